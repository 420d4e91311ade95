/**
 * Pure metrics over prediction series: classification (accuracy, per-class precision, recall and F1, confusion
 * matrix, one-vs-rest ROC and AUC, log loss, Brier score, likelihood ratios and coverage against the confidence
 * threshold, rolling and per-period accuracy) and regression (RMSE, MAE, R², directional accuracy, Spearman
 * information coefficient). No I/O, no state.
 */
package io.atlasj.stats.metrics;
