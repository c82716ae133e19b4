# Reference values from R's survival package for tests/survival/test_estimators.py and test_metrics.py.
# Run from the repository root: Rscript tests/data/r/survival/survival_reference.R
library(survival)
d <- read.csv("tests/data/r/survival/survival_input.csv")
fit <- coxph(Surv(time, event) ~ x1 + x2, data = d, ties = "breslow",
             control = coxph.control(eps = 1e-12, iter.max = 100))
s <- summary(fit)$coefficients
cox <- data.frame(term = rownames(s), coef = s[, "coef"], se = s[, "se(coef)"],
                  loglik = fit$loglik[2],
                  concordance = concordance(fit)$concordance)
write.csv(cox, "tests/data/r/survival/cox_reference.csv", row.names = FALSE)
km <- survfit(Surv(time, event) ~ 1, data = d, conf.type = "log-log")
write.csv(data.frame(time = km$time, n_risk = km$n.risk, n_event = km$n.event,
                     surv = km$surv, lower = km$lower, upper = km$upper),
          "tests/data/r/survival/km_reference.csv", row.names = FALSE)
lr <- survdiff(Surv(time, event) ~ group, data = d)
write.csv(data.frame(group = sub("group=", "", names(lr$n)), n = as.vector(lr$n),
                     observed = lr$obs, expected = lr$exp, chisq = lr$chisq,
                     pvalue = pchisq(lr$chisq, length(lr$n) - 1, lower.tail = FALSE)),
          "tests/data/r/survival/logrank_reference.csv", row.names = FALSE)
writeLines(c(R.version.string, paste("survival", packageVersion("survival"))),
           "tests/data/r/survival/versions.txt")
