package io.atlasj.features;

import static io.atlasj.features.FeatureKind.ParamSpec.bars;
import static io.atlasj.features.FeatureKind.ParamSpec.real;

import io.atlasj.features.FeatureKind.LeafFn;
import io.atlasj.features.FeatureKind.Need;
import io.atlasj.features.FeatureKind.ParamSpec;
import io.atlasj.features.FeatureKind.SeriesFn;
import io.atlasj.features.FeatureKind.Shape;
import io.atlasj.features.eval.Bars;
import io.atlasj.features.eval.Kernels;
import io.atlasj.features.eval.Timeline;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The feature library: every feature kind the DSL knows, with a one-line description ({@code atlas features list}).
 * Indicator definitions follow ta4j where ta4j has the indicator (tested against it); where they differ the
 * description says so.
 *
 * <p>Recursive indicators (EMA, RSI, ATR, ADX, MACD, EWMA volatility) are seeded at the start of each contiguous
 * segment and again a warm-up before each anchor ({@link Timeline}); the warm-up is long enough (about 20 smoothing
 * lengths) that the seed's weight is below 1e-9. So a value does not depend on where the data started, bit for bit,
 * once reading began far enough before it ({@link #anchoredDepth}).
 */
public final class Library {
    private static final Map<String, FeatureKind> KINDS = new LinkedHashMap<>();

    private Library() {
    }

    static {
        // ---- prices and returns
        leaf("Open", "open price of the bar", Need.CANDLES, List.of(), p -> 0, (b, p) -> b.open().clone());
        leaf("High", "high price of the bar", Need.CANDLES, List.of(), p -> 0, (b, p) -> b.high().clone());
        leaf("Low", "low price of the bar", Need.CANDLES, List.of(), p -> 0, (b, p) -> b.low().clone());
        leaf("Close", "close price of the bar", Need.CANDLES, List.of(), p -> 0, (b, p) -> b.close().clone());
        leaf("Midpoint", "(best bid + best ask) / 2 at the close of the bar, from quote bars", Need.QUOTES, List.of(),
                p -> 0, (b, p) -> {
                    double[] out = new double[b.size()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = (b.bid()[i] + b.ask()[i]) / 2;
                    }
                    return out;
                });
        leaf("MidpointDiff", "change of the midpoint over lookback bars", Need.QUOTES, List.of(bars("lookback", 1, 1)),
                p -> (int) p[0], (b, p) -> {
                    double[] mid = new double[b.size()];
                    for (int i = 0; i < mid.length; i++) {
                        mid[i] = (b.bid()[i] + b.ask()[i]) / 2;
                    }
                    return Kernels.diff(mid, (int) p[0]);
                });
        leaf("SimpleReturns", "close[t] / close[t-lookback] - 1", Need.CANDLES, List.of(bars("lookback", 1, 1)),
                p -> (int) p[0], (b, p) -> {
                    int n = (int) p[0];
                    double[] c = b.close();
                    double[] out = Kernels.nan(c.length);
                    for (int i = n; i < c.length; i++) {
                        out[i] = c[i] / c[i - n] - 1;
                    }
                    return out;
                });
        leaf("LogReturns", "ln(close[t] / close[t-lookback]): the log return over the last lookback bars",
                Need.CANDLES, List.of(bars("lookback", 1, 1)), p -> (int) p[0],
                (b, p) -> Kernels.logReturns(b.close(), (int) p[0]));
        leaf("Volatility", "sample std of one-bar log returns over window bars", Need.CANDLES,
                List.of(bars("window", 2, 20)), p -> (int) p[0],
                (b, p) -> Kernels.std(Kernels.logReturns(b.close(), 1), (int) p[0], true, b.timeline()));
        leaf("Parkinson", "Parkinson volatility: sqrt(mean(ln(high/low)^2) / (4 ln 2)) over window bars",
                Need.CANDLES, List.of(bars("window", 1, 20)), p -> (int) p[0] - 1, (b, p) -> {
                    double[] x = new double[b.size()];
                    for (int i = 0; i < x.length; i++) {
                        double r = Math.log(b.high()[i] / b.low()[i]);
                        x[i] = r * r / (4 * Math.log(2));
                    }
                    return sqrt(Kernels.sma(x, (int) p[0], b.timeline()));
                });
        leaf("GarmanKlass", "Garman-Klass volatility: sqrt(mean(0.5 ln(h/l)^2 - (2 ln 2 - 1) ln(c/o)^2)) over window bars",
                Need.CANDLES, List.of(bars("window", 1, 20)), p -> (int) p[0] - 1, (b, p) -> {
                    double[] x = new double[b.size()];
                    for (int i = 0; i < x.length; i++) {
                        double hl = Math.log(b.high()[i] / b.low()[i]);
                        double co = Math.log(b.close()[i] / b.open()[i]);
                        x[i] = 0.5 * hl * hl - (2 * Math.log(2) - 1) * co * co;
                    }
                    return sqrt(Kernels.sma(x, (int) p[0], b.timeline()));
                });
        leaf("EwmaVolatility", "RiskMetrics EWMA volatility: sqrt(v), v = lambda v + (1 - lambda) r^2 of one-bar log returns",
                Need.CANDLES, List.of(real("lambda", 0.5, 0.999, 0.94)),
                p -> 1 + (int) Math.ceil(Math.log(1e-9) / Math.log(p[0])), (b, p) -> {
                    double[] r = Kernels.logReturns(b.close(), 1);
                    double[] r2 = new double[r.length];
                    for (int i = 0; i < r.length; i++) {
                        r2[i] = r[i] * r[i];
                    }
                    return sqrt(Kernels.ema(r2, 1 - p[0], b.timeline()));
                });
        leaf("Range", "high - low of the bar", Need.CANDLES, List.of(), p -> 0, (b, p) -> {
            double[] out = new double[b.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = b.high()[i] - b.low()[i];
            }
            return out;
        });
        leaf("Amplitude", "(high - low) / open of the bar", Need.CANDLES, List.of(), p -> 0, (b, p) -> {
            double[] out = new double[b.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = (b.high()[i] - b.low()[i]) / b.open()[i];
            }
            return out;
        });

        // ---- volume and trade flow
        leaf("Volume", "traded base volume of the bar", Need.CANDLES, List.of(), p -> 0, (b, p) -> b.volume().clone());
        leaf("QuoteVolume", "traded quote volume (notional) of the bar, where the data has it", Need.CANDLES, List.of(),
                p -> 0, (b, p) -> b.quoteVolume().clone());
        leaf("TradeCount", "number of trades in the bar, where the data has it", Need.CANDLES, List.of(), p -> 0,
                (b, p) -> b.tradeCount().clone());
        leaf("VWAP", "volume-weighted typical price (h+l+c)/3 over window bars (ta4j VWAPIndicator)", Need.CANDLES,
                List.of(bars("window", 1, 20)), p -> (int) p[0] - 1, (b, p) -> {
                    int w = (int) p[0];
                    double[] v = b.volume();
                    double[] pv = new double[b.size()];
                    for (int i = 0; i < pv.length; i++) {
                        pv[i] = (b.high()[i] + b.low()[i] + b.close()[i]) / 3 * v[i];
                    }
                    double[] num = Kernels.sum(pv, w, b.timeline());
                    double[] den = Kernels.sum(v, w, b.timeline());
                    double[] out = Kernels.nan(pv.length);
                    for (int i = 0; i < out.length; i++) {
                        out[i] = den[i] == 0 ? Double.NaN : num[i] / den[i];
                    }
                    return out;
                });
        leaf("TakerBuyRatio", "taker-buy volume / volume of the bar (aggressive buying share), where the data has it",
                Need.CANDLES, List.of(), p -> 0, (b, p) -> {
                    double[] v = b.volume();
                    double[] out = new double[b.size()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = v[i] == 0 ? Double.NaN : b.takerBuy()[i] / v[i];
                    }
                    return out;
                });
        leaf("OBV", "on-balance volume over the last window bars: sum of volume signed by the close's direction "
                + "(ta4j's OBV is cumulative from the first bar; this is its window-bar change, independent of where data starts)",
                Need.CANDLES, List.of(bars("window", 1, 20)), p -> (int) p[0], (b, p) -> {
                    double[] c = b.close();
                    double[] v = b.volume();
                    double[] sv = new double[c.length];
                    for (int i = 1; i < c.length; i++) {
                        sv[i] = c[i] > c[i - 1] ? v[i] : c[i] < c[i - 1] ? -v[i] : 0;
                    }
                    sv[0] = Double.NaN;
                    return Kernels.sum(sv, (int) p[0], b.timeline());
                });
        leaf("OBVCumulative", "on-balance volume as ta4j and TA-Lib define it: cumulative from 0 at the first bar read "
                + "(its level depends on where the data starts, and a live runner reads less history than a batch "
                + "build; prefer OBV(window) as a model input)", Need.CANDLES, List.of(), p -> 0, (b, p) -> {
                    double[] c = b.close();
                    double[] v = b.volume();
                    double[] out = new double[c.length];
                    for (int i = 1; i < c.length; i++) {
                        out[i] = out[i - 1] + (c[i] > c[i - 1] ? v[i] : c[i] < c[i - 1] ? -v[i] : 0);
                    }
                    return out;
                });
        leaf("VolumeZScore", "z-score of the bar's volume against the last window bars (sample std)", Need.CANDLES,
                List.of(bars("window", 2, 20)), p -> (int) p[0] - 1, (b, p) -> Kernels.zscore(b.volume(), (int) p[0], b.timeline()));

        // ---- order book (top of book, from quote bars)
        leaf("Bid", "best bid at the close of the bar", Need.QUOTES, List.of(), p -> 0, (b, p) -> b.bid().clone());
        leaf("Ask", "best ask at the close of the bar", Need.QUOTES, List.of(), p -> 0, (b, p) -> b.ask().clone());
        leaf("Spread", "best ask - best bid at the close of the bar", Need.QUOTES, List.of(), p -> 0, (b, p) -> {
            double[] out = new double[b.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = b.ask()[i] - b.bid()[i];
            }
            return out;
        });
        leaf("BidStrength", "size at the best bid at the close of the bar", Need.QUOTES, List.of(), p -> 0,
                (b, p) -> b.bidSize().clone());
        leaf("AskStrength", "size at the best ask at the close of the bar", Need.QUOTES, List.of(), p -> 0,
                (b, p) -> b.askSize().clone());
        leaf("BookImbalance", "(bid size - ask size) / (bid size + ask size) at the top of the book", Need.QUOTES,
                List.of(), p -> 0, (b, p) -> {
                    double[] bid = b.bidSize();
                    double[] ask = b.askSize();
                    double[] out = new double[b.size()];
                    for (int i = 0; i < out.length; i++) {
                        double s = bid[i] + ask[i];
                        out[i] = s == 0 ? Double.NaN : (bid[i] - ask[i]) / s;
                    }
                    return out;
                });

        // ---- technical indicators
        leaf("SMA", "simple moving average of the close over window bars", Need.CANDLES, List.of(bars("window", 1, 20)),
                p -> (int) p[0] - 1, (b, p) -> Indicators.sma(b, (int) p[0]).clone());
        leaf("EMA", "exponential moving average of the close, alpha = 2 / (window + 1)", Need.CANDLES,
                List.of(bars("window", 1, 20)), p -> 20 * (int) p[0], (b, p) -> Indicators.ema(b, p[0]).clone());
        leaf("RSI", "relative strength index with Wilder smoothing (alpha = 1 / window)", Need.CANDLES,
                List.of(bars("window", 1, 14)), p -> 21 * (int) p[0], (b, p) -> Indicators.rsi(b.close(), (int) p[0], b.timeline()));
        ParamSpec fast = bars("fast", 1, 12);
        ParamSpec slow = bars("slow", 2, 26);
        ParamSpec signal = bars("signal", 1, 9);
        leaf("MACD", "MACD line: EMA(fast) - EMA(slow) of the close", Need.CANDLES, List.of(fast, slow, signal),
                p -> 20 * (int) Math.max(p[0], Math.max(p[1], p[2])), (b, p) -> Indicators.macd(b, p)[0].clone());
        leaf("MACDSignal", "MACD signal line: EMA(signal) of the MACD line", Need.CANDLES, List.of(fast, slow, signal),
                p -> 20 * (int) Math.max(p[0], Math.max(p[1], p[2])), (b, p) -> Indicators.macd(b, p)[1].clone());
        leaf("MACDHist", "MACD histogram: MACD line - signal line", Need.CANDLES, List.of(fast, slow, signal),
                p -> 20 * (int) Math.max(p[0], Math.max(p[1], p[2])), (b, p) -> Indicators.macd(b, p)[2].clone());
        leaf("BollingerPctB", "Bollinger %b: (close - lower) / (upper - lower), bands SMA +- k std over window",
                Need.CANDLES, List.of(bars("window", 2, 20), real("k", 0.1, 10, 2.0)), p -> (int) p[0] - 1,
                (b, p) -> Indicators.bollinger(b, (int) p[0], p[1], true));
        leaf("BollingerWidth", "Bollinger band width: (upper - lower) / middle * 100", Need.CANDLES,
                List.of(bars("window", 2, 20), real("k", 0.1, 10, 2.0)), p -> (int) p[0] - 1,
                (b, p) -> Indicators.bollinger(b, (int) p[0], p[1], false));
        leaf("ATR", "average true range with Wilder smoothing", Need.CANDLES, List.of(bars("window", 1, 14)),
                p -> 21 * (int) p[0], (b, p) -> Indicators.atr(b, (int) p[0]).clone());
        leaf("ADX", "average directional index with Wilder smoothing", Need.CANDLES, List.of(bars("window", 1, 14)),
                p -> 42 * (int) p[0], (b, p) -> Indicators.adx(b, (int) p[0]));
        leaf("StochK", "stochastic %K: 100 (close - lowest low) / (highest high - lowest low) over window", Need.CANDLES,
                List.of(bars("window", 1, 14)), p -> (int) p[0] - 1, (b, p) -> Indicators.stochK(b, (int) p[0]).clone());
        leaf("StochD", "stochastic %D: SMA(smooth) of %K (KDJ's D)", Need.CANDLES,
                List.of(bars("window", 1, 14), bars("smooth", 1, 3)), p -> (int) (p[0] + p[1]) - 2,
                (b, p) -> Indicators.stochD(b, (int) p[0], (int) p[1]).clone());
        leaf("StochJ", "KDJ's J line: 3 %K - 2 %D", Need.CANDLES,
                List.of(bars("window", 1, 14), bars("smooth", 1, 3)), p -> (int) (p[0] + p[1]) - 2, (b, p) -> {
                    double[] k = Indicators.stochK(b, (int) p[0]);
                    double[] d = Indicators.stochD(b, (int) p[0], (int) p[1]);
                    double[] out = new double[k.length];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = 3 * k[i] - 2 * d[i];
                    }
                    return out;
                });
        leaf("CCI", "commodity channel index: (tp - SMA(tp)) / (0.015 mean deviation), tp = (h+l+c)/3", Need.CANDLES,
                List.of(bars("window", 1, 20)), p -> (int) p[0] - 1, (b, p) -> Indicators.cci(b, (int) p[0]));
        leaf("WilliamsR", "Williams %R: -100 (highest high - close) / (highest high - lowest low) over window",
                Need.CANDLES, List.of(bars("window", 1, 14)), p -> (int) p[0] - 1,
                (b, p) -> Indicators.williamsR(b, (int) p[0]));
        leaf("ROC", "rate of change: 100 (close[t] - close[t-window]) / close[t-window]", Need.CANDLES,
                List.of(bars("window", 1, 10)), p -> (int) p[0], (b, p) -> {
                    int n = (int) p[0];
                    double[] c = b.close();
                    double[] out = Kernels.nan(c.length);
                    for (int i = n; i < c.length; i++) {
                        out[i] = (c[i] - c[i - n]) / c[i - n] * 100;
                    }
                    return out;
                });

        // ---- candle shape
        leaf("Body", "(close - open) / (high - low): signed body as a fraction of the range (0 for a flat bar)",
                Need.CANDLES, List.of(), p -> 0, (b, p) -> Indicators.shape(b, 0));
        leaf("UpperWick", "(high - max(open, close)) / (high - low)", Need.CANDLES, List.of(), p -> 0,
                (b, p) -> Indicators.shape(b, 1));
        leaf("LowerWick", "(min(open, close) - low) / (high - low)", Need.CANDLES, List.of(), p -> 0,
                (b, p) -> Indicators.shape(b, 2));
        leaf("Doji", "1 when |close - open| <= threshold x (high - low), else 0", Need.CANDLES,
                List.of(real("threshold", 0, 1, 0.1)), p -> 0, (b, p) -> Indicators.doji(b, p[0]));
        leaf("Hammer", "1 when the lower wick is at least twice the body and the upper wick at most the body, else 0",
                Need.CANDLES, List.of(), p -> 0, (b, p) -> Indicators.hammer(b));
        leaf("Engulfing", "+1 bullish / -1 bearish engulfing of the previous bar's body, else 0", Need.CANDLES,
                List.of(), p -> 1, (b, p) -> Indicators.engulfing(b));

        // ---- pivots
        leaf("SwingHigh", "price of the latest swing high of the given level (a high above the level bars on each "
                + "side), known only from the bar that confirms it, within window bars", Need.CANDLES,
                List.of(bars("level", 1, 2), bars("window", 3, 100)), p -> (int) (p[1] + p[0]),
                (b, p) -> Indicators.swing(b.high(), (int) p[0], (int) p[1], true));
        leaf("SwingLow", "price of the latest swing low of the given level, known only once confirmed, within window bars",
                Need.CANDLES, List.of(bars("level", 1, 2), bars("window", 3, 100)), p -> (int) (p[1] + p[0]),
                (b, p) -> Indicators.swing(b.low(), (int) p[0], (int) p[1], false));

        // ---- calendar (of the bar's open time, UTC)
        leaf("HourSin", "sin(2 pi hour / 24) of the bar's UTC open time", Need.CANDLES, List.of(), p -> 0,
                (b, p) -> calendar(b, true, true));
        leaf("HourCos", "cos(2 pi hour / 24) of the bar's UTC open time", Need.CANDLES, List.of(), p -> 0,
                (b, p) -> calendar(b, true, false));
        leaf("Hour", "the hour (0 to 23) of the bar's UTC open time", Need.CANDLES, List.of(), p -> 0,
                (b, p) -> calendarInteger(b, true));
        leaf("DayOfWeek", "the day of the week (0 Monday to 6 Sunday) of the bar's UTC open time", Need.CANDLES,
                List.of(), p -> 0, (b, p) -> calendarInteger(b, false));
        leaf("DayOfWeekSin", "sin(2 pi day / 7) of the bar's UTC open time (Monday = 0)", Need.CANDLES, List.of(),
                p -> 0, (b, p) -> calendar(b, false, true));
        leaf("DayOfWeekCos", "cos(2 pi day / 7) of the bar's UTC open time (Monday = 0)", Need.CANDLES, List.of(),
                p -> 0, (b, p) -> calendar(b, false, false));

        // ---- constants and transforms
        leaf("Const", "a constant, for arithmetic", Need.NONE, List.of(real("value", -1e300, 1e300, null)), p -> 0,
                (b, p) -> {
                    double[] out = new double[b.size()];
                    java.util.Arrays.fill(out, p[0]);
                    return out;
                });
        transform("lag", "the value n bars earlier", List.of(bars("n", 1, null)), p -> (int) p[0],
                (x, t, p) -> Kernels.lag(x[0], (int) p[0]));
        transform("diff", "x[t] - x[t-n]", List.of(bars("n", 1, 1)), p -> (int) p[0],
                (x, t, p) -> Kernels.diff(x[0], (int) p[0]));
        transform("zscore", "rolling z-score over n bars (sample std)", List.of(bars("n", 2, null)), p -> (int) p[0] - 1,
                (x, t, p) -> Kernels.zscore(x[0], (int) p[0], t));
        transform("clip", "clipped to [lo, hi]", List.of(real("lo", -1e300, 1e300, null), real("hi", -1e300, 1e300, null)),
                p -> 0, (x, t, p) -> {
                    double[] out = new double[x[0].length];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = Math.max(p[0], Math.min(p[1], x[0][i]));
                    }
                    return out;
                });
        operator("plus", "a + b", (a, b) -> a + b);
        operator("minus", "a - b", (a, b) -> a - b);
        operator("times", "a * b", (a, b) -> a * b);
        operator("div", "a / b", (a, b) -> a / b);

        // ---- cross-market
        function("InterExchangeSpread", "b / a - 1 of two features, typically the same price on two venues "
                + "(Atlas's inter-exchange spread of midpoints)", 2, List.of(), p -> 0, (x, t, p) -> {
                    double[] out = new double[x[0].length];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = x[1][i] / x[0][i] - 1;
                    }
                    return out;
                });
        function("Correlation", "rolling Pearson correlation of two features over window bars", 2,
                List.of(bars("window", 3, 60)), p -> (int) p[0] - 1,
                (x, t, p) -> Kernels.correlation(x[0], x[1], (int) p[0], t));
        function("Beta", "rolling beta of the first feature on the second (the reference): cov / var over window bars",
                2, List.of(bars("window", 3, 60)), p -> (int) p[0] - 1, (x, t, p) -> Kernels.beta(x[0], x[1], (int) p[0], t));
    }

    private static double[] sqrt(double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.sqrt(x[i]);
        }
        return x;
    }

    static double[] calendar(Bars b, boolean hour, boolean sin) {
        double[] out = new double[b.size()];
        for (int i = 0; i < out.length; i++) {
            // UTC hour, minute and ISO day of week by arithmetic (a ZonedDateTime per value built zone rules each time:
            // most of a live bar's calendar cost); the same numbers, so the same values
            long t = b.time()[i];
            long day = Math.floorDiv(t, 86_400_000L);
            int minuteOfDay = (int) (Math.floorMod(t, 86_400_000L) / 60_000L);
            int dayOfWeek = (int) Math.floorMod(day + 3, 7L) + 1; // 1970-01-01 was a Thursday (4)
            double a = hour ? 2 * Math.PI * (minuteOfDay / 60 + minuteOfDay % 60 / 60.0) / 24
                    : 2 * Math.PI * (dayOfWeek - 1) / 7.0;
            out[i] = sin ? Math.sin(a) : Math.cos(a);
        }
        return out;
    }

    /** The UTC hour (0-23) or ISO day of week less one (0 Monday to 6 Sunday) of each bar's open time. */
    static double[] calendarInteger(Bars b, boolean hour) {
        double[] out = new double[b.size()];
        for (int i = 0; i < out.length; i++) {
            long t = b.time()[i];
            out[i] = hour ? Math.floorMod(t, 86_400_000L) / 3_600_000L
                    : Math.floorMod(Math.floorDiv(t, 86_400_000L) + 3, 7L); // 1970-01-01 was a Thursday
        }
        return out;
    }

    private static void leaf(String name, String description, Need need, List<ParamSpec> params,
                             FeatureKind.Warmup warmup, LeafFn fn) {
        KINDS.put(name, new FeatureKind(name, Shape.LEAF, 0, params, need, description, warmup, fn, null));
    }

    private static void transform(String name, String description, List<ParamSpec> params, FeatureKind.Warmup warmup,
                                  SeriesFn fn) {
        KINDS.put(name, new FeatureKind(name, Shape.TRANSFORM, 1, params, Need.NONE, description, warmup, null, fn));
    }

    private static void operator(String name, String description, java.util.function.DoubleBinaryOperator op) {
        KINDS.put(name, new FeatureKind(name, Shape.OPERATOR, 2, List.of(), Need.NONE, description, p -> 0, null,
                (x, t, p) -> {
                    double[] out = new double[x[0].length];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = op.applyAsDouble(x[0][i], x[1][i]);
                    }
                    return out;
                }));
    }

    private static void function(String name, String description, int inputs, List<ParamSpec> params,
                                 FeatureKind.Warmup warmup, SeriesFn fn) {
        KINDS.put(name, new FeatureKind(name, Shape.FUNCTION, inputs, params, Need.NONE, description, warmup, null, fn));
    }

    /** Kinds whose values pass through one anchored recursion or deviation ({@link Timeline}). */
    private static final java.util.Set<String> ANCHORED_ONCE = java.util.Set.of("Volatility", "EwmaVolatility",
            "VolumeZScore", "EMA", "RSI", "BollingerPctB", "BollingerWidth", "ATR", "zscore");
    /** Kinds whose values pass through two, one after the other (an EMA of EMAs, Wilder's smoothing of ATRs). */
    private static final java.util.Set<String> ANCHORED_TWICE = java.util.Set.of("MACD", "MACDSignal", "MACDHist",
            "ADX");
    /** Kinds whose value depends on where reading began, by definition. */
    private static final java.util.Set<String> UNBOUNDED = java.util.Set.of("OBVCumulative");

    /**
     * How many anchored kernels a kind's values pass through one after the other (each adds up to
     * {@link Timeline#ANCHOR_BARS} bars to how far back a value depends on the bars; rolling means recompute every
     * window and add nothing beyond it), or -1 when its value depends on where reading began. The reach a build reads
     * before its first row rests on this ({@code Evaluator.reachMillis}); a property test holds every kind to it.
     */
    public static int anchoredDepth(String kind) {
        return UNBOUNDED.contains(kind) ? -1 : ANCHORED_TWICE.contains(kind) ? 2 : ANCHORED_ONCE.contains(kind) ? 1 : 0;
    }

    /** The kind called {@code name}; the error names the closest known kind. */
    public static FeatureKind kind(String name) {
        FeatureKind k = KINDS.get(name);
        if (k == null) {
            throw new IllegalArgumentException("unknown feature '" + name + "'" + suggest(name, KINDS.keySet())
                    + " (see 'atlas features list')");
        }
        return k;
    }

    public static boolean exists(String name) {
        return KINDS.containsKey(name);
    }

    public static List<FeatureKind> all() {
        return List.copyOf(KINDS.values());
    }

    /** {@code "; did you mean 'X'?"} for the closest name by edit distance, or nothing when none is close. */
    public static String suggest(String name, Collection<String> known) {
        return io.atlasj.text.Names.suggest(name, known);
    }
}
