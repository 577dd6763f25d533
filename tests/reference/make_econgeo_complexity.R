# Regenerates the econgeo_*_employment2023.csv files (EconGeo 2.1 from the cran/EconGeo mirror,
# R 4.2.2). Run from tests/reference/:  R_LIBS=<lib with EconGeo> Rscript make_econgeo_complexity.R
suppressMessages(library(EconGeo))
out <- ""
mat <- as.matrix(read.csv(paste0(out, "input_employment_matrix_2023.csv"), row.names = 1, check.names = FALSE, fileEncoding = "UTF-8"))
storage.mode(mat) <- "double"
M <- location_quotient(mat, binary = TRUE)
r <- data.frame(kind = "region", name = rownames(mat), diversity = rowSums(M),
  eigenvector = kci(mat, rca = TRUE), reflections = morc(mat, rca = TRUE, steps = 18),
  reflections_step2 = morc(mat, rca = TRUE, steps = 2))
i <- data.frame(kind = "industry", name = colnames(mat), diversity = colSums(M),
  eigenvector = tci(mat, rca = TRUE), reflections = mort(mat, rca = TRUE, steps = 19),
  reflections_step2 = mort(mat, rca = TRUE, steps = 2))
names(i)[3] <- "diversity"
cx <- rbind(r, i); names(cx)[3] <- "degree"
write.csv(cx, paste0(out, "econgeo_complexity_employment2023.csv"), row.names = FALSE, fileEncoding = "UTF-8")
co <- co_occurrence(t(M), diagonal = TRUE)
rel <- relatedness(co_occurrence(t(M)), method = "prob")
kp <- colSums(M)
prox <- co / outer(kp, kp, pmax); diag(prox) <- 1
prox0 <- prox; diag(prox0) <- 0
g <- expand.grid(a = colnames(mat), b = colnames(mat), stringsAsFactors = FALSE)
pr <- data.frame(industry_a = g$a, industry_b = g$b, co_occurrence = co[cbind(g$a, g$b)],
  relatedness_prob = rel[cbind(g$a, g$b)])
write.csv(pr, paste0(out, "econgeo_co_occurrence_employment2023.csv"), row.names = FALSE, fileEncoding = "UTF-8")
d1 <- relatedness_density(M, prox); d0 <- relatedness_density(M, prox0)
g <- expand.grid(r = rownames(mat), p = colnames(mat), stringsAsFactors = FALSE)
dd <- data.frame(region = g$r, industry = g$p, density_self = d1[cbind(g$r, g$p)],
  density_others = d0[cbind(g$r, g$p)])
write.csv(dd, paste0(out, "econgeo_relatedness_density_employment2023.csv"), row.names = FALSE, fileEncoding = "UTF-8")
