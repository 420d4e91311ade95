package io.atlasj.features;

/**
 * The DSL's entry points. After {@code import static io.atlasj.features.Dsl.*;} Java reads like the YAML form:
 * {@code LogReturns().eth().oneMin().lookforward(1)}. Method names follow the feature names, upper case included,
 * so that the Java and the text forms are the same. Parameters left out take the library's defaults; each prefix of
 * the parameter list is an overload.
 */
@SuppressWarnings("checkstyle:MethodName")
public final class Dsl {
    private Dsl() {
    }

    public static Feature Open() {
        return Feature.of("Open");
    }

    public static Feature High() {
        return Feature.of("High");
    }

    public static Feature Low() {
        return Feature.of("Low");
    }

    public static Feature Close() {
        return Feature.of("Close");
    }

    public static Feature Midpoint() {
        return Feature.of("Midpoint");
    }

    public static Feature Range() {
        return Feature.of("Range");
    }

    public static Feature Amplitude() {
        return Feature.of("Amplitude");
    }

    public static Feature Volume() {
        return Feature.of("Volume");
    }

    public static Feature QuoteVolume() {
        return Feature.of("QuoteVolume");
    }

    public static Feature TradeCount() {
        return Feature.of("TradeCount");
    }

    public static Feature TakerBuyRatio() {
        return Feature.of("TakerBuyRatio");
    }

    public static Feature Bid() {
        return Feature.of("Bid");
    }

    public static Feature Ask() {
        return Feature.of("Ask");
    }

    public static Feature Spread() {
        return Feature.of("Spread");
    }

    public static Feature BidStrength() {
        return Feature.of("BidStrength");
    }

    public static Feature AskStrength() {
        return Feature.of("AskStrength");
    }

    public static Feature BookImbalance() {
        return Feature.of("BookImbalance");
    }

    public static Feature Body() {
        return Feature.of("Body");
    }

    public static Feature UpperWick() {
        return Feature.of("UpperWick");
    }

    public static Feature LowerWick() {
        return Feature.of("LowerWick");
    }

    public static Feature Hammer() {
        return Feature.of("Hammer");
    }

    public static Feature Engulfing() {
        return Feature.of("Engulfing");
    }

    /** The UTC hour of the bar's open, 0 to 23. */
    public static Feature Hour() {
        return Feature.of("Hour");
    }

    /** The day of the week of the bar's open (UTC), 0 Monday to 6 Sunday. */
    public static Feature DayOfWeek() {
        return Feature.of("DayOfWeek");
    }

    public static Feature HourSin() {
        return Feature.of("HourSin");
    }

    public static Feature HourCos() {
        return Feature.of("HourCos");
    }

    public static Feature DayOfWeekSin() {
        return Feature.of("DayOfWeekSin");
    }

    public static Feature DayOfWeekCos() {
        return Feature.of("DayOfWeekCos");
    }

    public static Feature MidpointDiff() {
        return Feature.of("MidpointDiff");
    }

    public static Feature MidpointDiff(int lookback) {
        return Feature.of("MidpointDiff", lookback);
    }

    public static Feature SimpleReturns() {
        return Feature.of("SimpleReturns");
    }

    public static Feature SimpleReturns(int lookback) {
        return Feature.of("SimpleReturns", lookback);
    }

    public static Feature LogReturns() {
        return Feature.of("LogReturns");
    }

    public static Feature LogReturns(int lookback) {
        return Feature.of("LogReturns", lookback);
    }

    public static Feature Volatility() {
        return Feature.of("Volatility");
    }

    public static Feature Volatility(int window) {
        return Feature.of("Volatility", window);
    }

    public static Feature Parkinson() {
        return Feature.of("Parkinson");
    }

    public static Feature Parkinson(int window) {
        return Feature.of("Parkinson", window);
    }

    public static Feature GarmanKlass() {
        return Feature.of("GarmanKlass");
    }

    public static Feature GarmanKlass(int window) {
        return Feature.of("GarmanKlass", window);
    }

    public static Feature EwmaVolatility() {
        return Feature.of("EwmaVolatility");
    }

    public static Feature EwmaVolatility(double lambda) {
        return Feature.of("EwmaVolatility", lambda);
    }

    public static Feature VWAP() {
        return Feature.of("VWAP");
    }

    public static Feature VWAP(int window) {
        return Feature.of("VWAP", window);
    }

    public static Feature OBV() {
        return Feature.of("OBV");
    }

    public static Feature OBV(int window) {
        return Feature.of("OBV", window);
    }

    /** On-balance volume cumulative from the first bar read, as ta4j and TA-Lib define it. */
    public static Feature OBVCumulative() {
        return Feature.of("OBVCumulative");
    }

    public static Feature VolumeZScore() {
        return Feature.of("VolumeZScore");
    }

    public static Feature VolumeZScore(int window) {
        return Feature.of("VolumeZScore", window);
    }

    public static Feature SMA() {
        return Feature.of("SMA");
    }

    public static Feature SMA(int window) {
        return Feature.of("SMA", window);
    }

    public static Feature EMA() {
        return Feature.of("EMA");
    }

    public static Feature EMA(int window) {
        return Feature.of("EMA", window);
    }

    public static Feature RSI() {
        return Feature.of("RSI");
    }

    public static Feature RSI(int window) {
        return Feature.of("RSI", window);
    }

    public static Feature MACD() {
        return Feature.of("MACD");
    }

    public static Feature MACD(int fast) {
        return Feature.of("MACD", fast);
    }

    public static Feature MACD(int fast, int slow) {
        return Feature.of("MACD", fast, slow);
    }

    public static Feature MACD(int fast, int slow, int signal) {
        return Feature.of("MACD", fast, slow, signal);
    }

    public static Feature MACDSignal() {
        return Feature.of("MACDSignal");
    }

    public static Feature MACDSignal(int fast) {
        return Feature.of("MACDSignal", fast);
    }

    public static Feature MACDSignal(int fast, int slow) {
        return Feature.of("MACDSignal", fast, slow);
    }

    public static Feature MACDSignal(int fast, int slow, int signal) {
        return Feature.of("MACDSignal", fast, slow, signal);
    }

    public static Feature MACDHist() {
        return Feature.of("MACDHist");
    }

    public static Feature MACDHist(int fast) {
        return Feature.of("MACDHist", fast);
    }

    public static Feature MACDHist(int fast, int slow) {
        return Feature.of("MACDHist", fast, slow);
    }

    public static Feature MACDHist(int fast, int slow, int signal) {
        return Feature.of("MACDHist", fast, slow, signal);
    }

    public static Feature BollingerPctB() {
        return Feature.of("BollingerPctB");
    }

    public static Feature BollingerPctB(int window) {
        return Feature.of("BollingerPctB", window);
    }

    public static Feature BollingerPctB(int window, double k) {
        return Feature.of("BollingerPctB", window, k);
    }

    public static Feature BollingerWidth() {
        return Feature.of("BollingerWidth");
    }

    public static Feature BollingerWidth(int window) {
        return Feature.of("BollingerWidth", window);
    }

    public static Feature BollingerWidth(int window, double k) {
        return Feature.of("BollingerWidth", window, k);
    }

    public static Feature ATR() {
        return Feature.of("ATR");
    }

    public static Feature ATR(int window) {
        return Feature.of("ATR", window);
    }

    public static Feature ADX() {
        return Feature.of("ADX");
    }

    public static Feature ADX(int window) {
        return Feature.of("ADX", window);
    }

    public static Feature StochK() {
        return Feature.of("StochK");
    }

    public static Feature StochK(int window) {
        return Feature.of("StochK", window);
    }

    public static Feature StochD() {
        return Feature.of("StochD");
    }

    public static Feature StochD(int window) {
        return Feature.of("StochD", window);
    }

    public static Feature StochD(int window, int smooth) {
        return Feature.of("StochD", window, smooth);
    }

    public static Feature StochJ() {
        return Feature.of("StochJ");
    }

    public static Feature StochJ(int window) {
        return Feature.of("StochJ", window);
    }

    public static Feature StochJ(int window, int smooth) {
        return Feature.of("StochJ", window, smooth);
    }

    public static Feature CCI() {
        return Feature.of("CCI");
    }

    public static Feature CCI(int window) {
        return Feature.of("CCI", window);
    }

    public static Feature WilliamsR() {
        return Feature.of("WilliamsR");
    }

    public static Feature WilliamsR(int window) {
        return Feature.of("WilliamsR", window);
    }

    public static Feature ROC() {
        return Feature.of("ROC");
    }

    public static Feature ROC(int window) {
        return Feature.of("ROC", window);
    }

    public static Feature Doji() {
        return Feature.of("Doji");
    }

    public static Feature Doji(double threshold) {
        return Feature.of("Doji", threshold);
    }

    public static Feature SwingHigh() {
        return Feature.of("SwingHigh");
    }

    public static Feature SwingHigh(int level) {
        return Feature.of("SwingHigh", level);
    }

    public static Feature SwingHigh(int level, int window) {
        return Feature.of("SwingHigh", level, window);
    }

    public static Feature SwingLow() {
        return Feature.of("SwingLow");
    }

    public static Feature SwingLow(int level) {
        return Feature.of("SwingLow", level);
    }

    public static Feature SwingLow(int level, int window) {
        return Feature.of("SwingLow", level, window);
    }

    /** A constant, for arithmetic: {@code Close().minus(Const(100))} is also {@code Close().minus(100)}. */
    public static Feature Const(double value) {
        return Feature.of("Const", value);
    }

    /** {@code b / a - 1}: e.g. {@code InterExchangeSpread(Close().market("binance:btcbusd"), Close().market("bybit:btcusdt"))}. */
    public static Feature InterExchangeSpread(Feature a, Feature b) {
        return Feature.combine("InterExchangeSpread", java.util.List.of(a, b));
    }

    public static Feature Correlation(Feature a, Feature b) {
        return Feature.combine("Correlation", java.util.List.of(a, b));
    }

    public static Feature Correlation(Feature a, Feature b, int window) {
        return Feature.combine("Correlation", java.util.List.of(a, b), window);
    }

    /** Beta of {@code a} on the reference {@code b}, e.g. {@code Beta(LogReturns(), LogReturns().btc(), 60)}. */
    public static Feature Beta(Feature a, Feature b) {
        return Feature.combine("Beta", java.util.List.of(a, b));
    }

    public static Feature Beta(Feature a, Feature b, int window) {
        return Feature.combine("Beta", java.util.List.of(a, b), window);
    }

    public static Label FutureReturn() {
        return Label.of("FutureReturn");
    }

    public static Label FutureReturn(int horizon) {
        return Label.of("FutureReturn", horizon);
    }

    public static Label UpDown() {
        return Label.of("UpDown");
    }

    public static Label UpDown(int horizon) {
        return Label.of("UpDown", horizon);
    }

    public static Label ThreeClass() {
        return Label.of("ThreeClass");
    }

    public static Label ThreeClass(int horizon) {
        return Label.of("ThreeClass", horizon);
    }

    public static Label ThreeClass(int horizon, double threshold) {
        return Label.of("ThreeClass", horizon, threshold);
    }

    public static Label ThreeClassPercentile() {
        return Label.of("ThreeClassPercentile");
    }

    public static Label ThreeClassPercentile(int horizon) {
        return Label.of("ThreeClassPercentile", horizon);
    }

    public static Label ThreeClassPercentile(int horizon, double lower) {
        return Label.of("ThreeClassPercentile", horizon, lower);
    }

    public static Label ThreeClassPercentile(int horizon, double lower, double upper) {
        return Label.of("ThreeClassPercentile", horizon, lower, upper);
    }

    public static Label FutureMaxDrawdown() {
        return Label.of("FutureMaxDrawdown");
    }

    public static Label FutureMaxDrawdown(int horizon) {
        return Label.of("FutureMaxDrawdown", horizon);
    }

    public static Label FutureVolatility() {
        return Label.of("FutureVolatility");
    }

    public static Label FutureVolatility(int horizon) {
        return Label.of("FutureVolatility", horizon);
    }

    public static Label TripleBarrier() {
        return Label.of("TripleBarrier");
    }

    public static Label TripleBarrier(int horizon) {
        return Label.of("TripleBarrier", horizon);
    }

    public static Label TripleBarrier(int horizon, double profitTake) {
        return Label.of("TripleBarrier", horizon, profitTake);
    }

    public static Label TripleBarrier(int horizon, double profitTake, double stopLoss) {
        return Label.of("TripleBarrier", horizon, profitTake, stopLoss);
    }

    public static Label NextSwing() {
        return Label.of("NextSwing");
    }

    public static Label NextSwing(int horizon) {
        return Label.of("NextSwing", horizon);
    }

    /** Which swing comes next: 0 a low, 1 none confirmed within {@code horizon} bars, 2 a high (see the library). */
    public static Label NextSwing(int horizon, int level) {
        return Label.of("NextSwing", horizon, level);
    }
}
