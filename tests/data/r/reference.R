# Reference values from R for pmed_utils.evaluation (DeLong AUC, paired DeLong test,
# calibration intercept and slope). Run from the repository root:
#   Rscript tests/data/r/reference.R
# Inputs: tests/data/r/roc_input.csv, tests/data/r/calibration_input.csv (make_inputs.py).
suppressPackageStartupMessages(library(pROC))
options(digits = 17)
dir <- "tests/data/r"

roc_in <- read.csv(file.path(dir, "roc_input.csv"))
ra <- roc(roc_in$y, roc_in$score_a, levels = c(0, 1), direction = "<", quiet = TRUE)
rb <- roc(roc_in$y, roc_in$score_b, levels = c(0, 1), direction = "<", quiet = TRUE)
ci_a <- ci.auc(ra, conf.level = 0.95, method = "delong")
ci_b <- ci.auc(rb, conf.level = 0.90, method = "delong")
test <- roc.test(ra, rb, method = "delong", paired = TRUE, conf.level = 0.95)
roc_out <- data.frame(
  quantity = c("auc_a", "auc_a_low", "auc_a_high", "var_a",
               "auc_b", "auc_b_low90", "auc_b_high90", "var_b",
               "z", "p_value", "difference_low", "difference_high"),
  value = c(as.numeric(ra$auc), ci_a[1], ci_a[3], var(ra, method = "delong"),
            as.numeric(rb$auc), ci_b[1], ci_b[3], var(rb, method = "delong"),
            unname(test$statistic), test$p.value, test$conf.int[1], test$conf.int[2]))
write.csv(roc_out, file.path(dir, "roc_reference.csv"), row.names = FALSE)

cal <- read.csv(file.path(dir, "calibration_input.csv"))
lp <- qlogis(cal$p)
tight <- glm.control(epsilon = 1e-14, maxit = 100)
slope_fit <- glm(cal$y ~ lp, family = binomial, control = tight)
citl_fit <- glm(cal$y ~ offset(lp), family = binomial, control = tight)
default_fit <- glm(cal$y ~ lp, family = binomial)  # R's default tolerance, for the note
ci_slope <- confint.default(slope_fit, level = 0.95)
ci_citl <- confint.default(citl_fit, level = 0.95)
cal_out <- data.frame(
  quantity = c("slope", "slope_se", "slope_low", "slope_high", "slope_model_intercept",
               "intercept", "intercept_se", "intercept_low", "intercept_high",
               "slope_default_tolerance"),
  value = c(coef(slope_fit)[2], sqrt(vcov(slope_fit)[2, 2]), ci_slope[2, 1], ci_slope[2, 2],
            coef(slope_fit)[1],
            coef(citl_fit)[1], sqrt(vcov(citl_fit)[1, 1]), ci_citl[1, 1], ci_citl[1, 2],
            coef(default_fit)[2]))
write.csv(cal_out, file.path(dir, "calibration_reference.csv"), row.names = FALSE)

writeLines(c(R.version.string, paste("pROC", packageVersion("pROC"))),
           file.path(dir, "versions.txt"))
