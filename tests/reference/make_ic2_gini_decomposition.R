# Regenerates ic2_gini_decomposition_wage.csv (IC2 1.0-1 from the cran/IC2 mirror, R 4.2.2).
# Run from tests/reference/:  R_LIBS=<lib with IC2> Rscript make_ic2_gini_decomposition.R
suppressMessages(library(IC2))
d <- read.csv("input_province_wage_2014_2023.csv", check.names = FALSE, fileEncoding = "UTF-8")
rows <- list()
for (yr in c(2014, 2023)) {
  s <- d[d[["年份"]] == yr, ]
  for (wt in c("none", "employment")) {
    w <- if (wt == "none") NULL else as.numeric(s[["就业人数"]])
    z <- factor(s[["区域"]])
    r <- decompSGini(s[["平均工资"]], z, w = w, param = 2, decomp = "BM", ELMO = FALSE)
    one <- function(measure, group, value) {
      data.frame(year = yr, weights = wt, measure = measure, group = group, value = value)
    }
    rows[[length(rows) + 1]] <- rbind(
      one("total", "", r$ineq$index),
      one("within", "", r$decomp$within),
      one("between", "", r$decomp$between),
      one("overlap", "", r$decomp$overlap),
      one("group_gini", names(r$intra$SGiniGroups), as.numeric(r$intra$SGiniGroups)),
      one("group_contribution", names(r$intra$contribSGiniGroups),
          as.numeric(r$intra$contribSGiniGroups))
    )
  }
}
out <- do.call(rbind, rows)
write.csv(out, "ic2_gini_decomposition_wage.csv", row.names = FALSE, fileEncoding = "UTF-8")
print(out, digits = 15)
