package io.atlasj.stats.multiple;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The Probabilistic and Deflated Sharpe Ratios of Bailey and López de Prado, "The Deflated Sharpe Ratio: Correcting
 * for Selection Bias, Backtest Overfitting and Non-Normality", Journal of Portfolio Management 40(5), 2014.
 * Every Sharpe ratio here is per observation (not annualised); kurtosis is the plain (not excess) kurtosis, 3 for
 * normal returns.
 */
public final class DeflatedSharpe {
    /** The Euler–Mascheroni constant. */
    public static final double EULER_GAMMA = 0.5772156649015329;
    private static final NormalDistribution Z = new NormalDistribution(0, 1);

    private DeflatedSharpe() {
    }

    /**
     * Expected maximum of {@code trials} Sharpe ratios estimated from strategies of true Sharpe ratio zero whose
     * estimates have variance {@code variance}: {@code sqrt(V) ((1 - g) Z^-1(1 - 1/N) + g Z^-1(1 - 1/(N e)))}, the
     * paper's {@code SR_0}. Zero for one trial.
     */
    public static double expectedMaxSharpe(int trials, double variance) {
        if (trials < 1 || variance < 0) {
            throw new IllegalArgumentException("need trials >= 1 and variance >= 0, got " + trials + ", " + variance);
        }
        if (trials == 1) {
            return 0;
        }
        return Math.sqrt(variance) * ((1 - EULER_GAMMA) * Z.inverseCumulativeProbability(1 - 1.0 / trials)
                + EULER_GAMMA * Z.inverseCumulativeProbability(1 - 1.0 / (trials * Math.E)));
    }

    /**
     * Probabilistic Sharpe Ratio: the probability that the true Sharpe ratio exceeds {@code benchmark} given the
     * estimate {@code sharpe} from {@code observations} returns of skewness {@code skew} and kurtosis {@code kurtosis}:
     * {@code Z((SR - SR*) sqrt(T - 1) / sqrt(1 - skew SR + (kurt - 1) / 4 SR^2))}.
     */
    public static double probabilistic(double sharpe, double benchmark, long observations, double skew, double kurtosis) {
        if (observations < 2) {
            throw new IllegalArgumentException("need at least 2 observations, got " + observations);
        }
        double den = 1 - skew * sharpe + (kurtosis - 1) / 4 * sharpe * sharpe;
        if (!(den > 0)) {
            return Double.NaN;
        }
        return Z.cumulativeProbability((sharpe - benchmark) * Math.sqrt(observations - 1.0) / Math.sqrt(den));
    }

    /**
     * Deflated Sharpe Ratio of the best of {@code trials}: the PSR against the expected maximum Sharpe ratio of that
     * many unskilled trials whose Sharpe estimates vary with {@code trialVariance}.
     */
    public static double deflated(double sharpe, long observations, double skew, double kurtosis, int trials,
                                  double trialVariance) {
        return probabilistic(sharpe, expectedMaxSharpe(trials, trialVariance), observations, skew, kurtosis);
    }
}
