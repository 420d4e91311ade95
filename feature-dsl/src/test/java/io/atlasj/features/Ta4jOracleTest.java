package io.atlasj.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.features.eval.Bars;
import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.testing.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ta4j.core.BarSeries;
import org.ta4j.core.BaseBarSeriesBuilder;
import org.ta4j.core.Indicator;
import org.ta4j.core.indicators.ATRIndicator;
import org.ta4j.core.indicators.CCIIndicator;
import org.ta4j.core.indicators.EMAIndicator;
import org.ta4j.core.indicators.MACDIndicator;
import org.ta4j.core.indicators.ROCIndicator;
import org.ta4j.core.indicators.RSIIndicator;
import org.ta4j.core.indicators.SMAIndicator;
import org.ta4j.core.indicators.StochasticOscillatorDIndicator;
import org.ta4j.core.indicators.StochasticOscillatorKIndicator;
import org.ta4j.core.indicators.WilliamsRIndicator;
import org.ta4j.core.indicators.adx.ADXIndicator;
import org.ta4j.core.indicators.bollinger.BollingerBandWidthIndicator;
import org.ta4j.core.indicators.bollinger.BollingerBandsLowerIndicator;
import org.ta4j.core.indicators.bollinger.BollingerBandsMiddleIndicator;
import org.ta4j.core.indicators.bollinger.BollingerBandsUpperIndicator;
import org.ta4j.core.indicators.bollinger.PercentBIndicator;
import org.ta4j.core.indicators.helpers.ClosePriceIndicator;
import org.ta4j.core.indicators.statistics.StandardDeviationIndicator;
import org.ta4j.core.indicators.volume.OnBalanceVolumeIndicator;
import org.ta4j.core.indicators.volume.VWAPIndicator;
import org.ta4j.core.num.DoubleNum;
import org.ta4j.core.num.Num;

/**
 * Our indicators agree with ta4j's (the test oracle, ta4j-core 0.17 with DoubleNum) on real data after our warm-up,
 * to 1e-9 relative: the bundled Bitstamp 5-minute candles and Coinbase BTC 4-hour candles (when ../shared/data is
 * there), each on its longest run without gaps since ta4j does not know about gaps. Known differences, all tested:
 * ta4j's values exist from the first bar on partial windows and seeds, ours only after the warm-up; our OBV is the
 * window-bar change of ta4j's cumulative OBV.
 */
class Ta4jOracleTest {
    @TempDir
    Path dir;

    @Test
    void bitstampFiveMinuteCandles() {
        try (MarketDataStore store = MarketDataStore.open(dir)) {
            new ImportJob(store).run(List.of(BundledData.extract(dir.resolve("b"))), BundledData.options(),
                    ImportJob.Listener.NONE);
            compareAll(longestRun(store.candles(new Market("bitstamp", "btc_usd"), Timeframe.M5)), 600);
        }
    }

    @Test
    void coinbaseFourHourCandles() {
        Path json = TestData.shared("coinbase-ta4j/Coinbase-BTC-USD-PT4H-20160518_20251028.json");
        try (MarketDataStore store = MarketDataStore.open(dir)) {
            new ImportJob(store).run(List.of(json), ImportOptions.of(ImportFormat.TA4J_JSON, null, null),
                    ImportJob.Listener.NONE);
            compareAll(longestRun(store.candles(new Market("coinbase", "btc_usd"), Timeframe.H4)), 5000);
        }
    }

    private void compareAll(CandleSeries c, int minBars) {
        assertThat(c.size()).isGreaterThanOrEqualTo(minBars);
        BarSeries s = ta4j(c);
        ClosePriceIndicator close = new ClosePriceIndicator(s);
        Map<Feature, Indicator<Num>> cases = new LinkedHashMap<>();
        cases.put(Dsl.SMA(20), new SMAIndicator(close, 20));
        cases.put(Dsl.EMA(20), new EMAIndicator(close, 20));
        cases.put(Dsl.RSI(14), new RSIIndicator(close, 14));
        MACDIndicator macd = new MACDIndicator(close, 12, 26);
        EMAIndicator signal = new EMAIndicator(macd, 9);
        cases.put(Dsl.MACD(12, 26, 9), macd);
        cases.put(Dsl.MACDSignal(12, 26, 9), signal);
        cases.put(Dsl.BollingerPctB(20, 2), new PercentBIndicator(close, 20, 2.0));
        BollingerBandsMiddleIndicator mid = new BollingerBandsMiddleIndicator(new SMAIndicator(close, 20));
        StandardDeviationIndicator sd = new StandardDeviationIndicator(close, 20);
        cases.put(Dsl.BollingerWidth(20, 2), new BollingerBandWidthIndicator(new BollingerBandsUpperIndicator(mid, sd),
                mid, new BollingerBandsLowerIndicator(mid, sd)));
        cases.put(Dsl.ATR(14), new ATRIndicator(s, 14));
        cases.put(Dsl.ADX(14), new ADXIndicator(s, 14));
        StochasticOscillatorKIndicator k = new StochasticOscillatorKIndicator(s, 14);
        cases.put(Dsl.StochK(14), k);
        cases.put(Dsl.StochD(14, 3), new StochasticOscillatorDIndicator(k));
        cases.put(Dsl.CCI(20), new CCIIndicator(s, 20));
        cases.put(Dsl.WilliamsR(14), new WilliamsRIndicator(s, 14));
        cases.put(Dsl.ROC(10), new ROCIndicator(close, 10));
        cases.put(Dsl.VWAP(20), new VWAPIndicator(s, 20));
        Bars bars = bars(c);
        for (var e : cases.entrySet()) {
            compare(e.getKey(), bars, i -> e.getValue().getValue(i).doubleValue());
        }
        // MACD histogram = line - signal
        compare(Dsl.MACDHist(12, 26, 9), bars, i -> macd.getValue(i).doubleValue() - signal.getValue(i).doubleValue());
        // OBV over 20 bars = change of ta4j's cumulative OBV over 20 bars
        OnBalanceVolumeIndicator obv = new OnBalanceVolumeIndicator(s);
        compare(Dsl.OBV(20), bars, i -> obv.getValue(i).doubleValue() - obv.getValue(i - 20).doubleValue());
        // and the cumulative one is ta4j's itself, from the first bar
        compare(Dsl.OBVCumulative(), bars, i -> obv.getValue(i).doubleValue());
    }

    private static void compare(Feature f, Bars bars, Function<Integer, Double> oracle) {
        FeatureKind kind = f.definition();
        double[] p = f.params().stream().mapToDouble(Double::doubleValue).toArray();
        double[] ours = kind.leaf().compute(bars, p);
        int warm = kind.warmup().bars(p);
        int compared = 0;
        for (int i = warm; i < ours.length; i++) {
            double ref = oracle.apply(i);
            if (Double.isNaN(ref)) {
                assertThat(ours[i]).as("%s at %d", f.id(), i).isNaN();
                continue;
            }
            double tol = 1e-9 * Math.max(1, Math.abs(ref));
            assertThat(Math.abs(ours[i] - ref)).as("%s at %d: ours %s, ta4j %s", f.id(), i, ours[i], ref)
                    .isLessThanOrEqualTo(tol);
            compared++;
        }
        assertThat(compared).as(f.id()).isGreaterThan(20);
    }

    static CandleSeries longestRun(CandleSeries c) {
        long step = c.timeframe().millis();
        int best = 0;
        int bestLen = 0;
        int start = 0;
        for (int i = 1; i <= c.size(); i++) {
            if (i == c.size() || c.openTime(i) - c.openTime(i - 1) != step) {
                if (i - start > bestLen) {
                    bestLen = i - start;
                    best = start;
                }
                start = i;
            }
        }
        return c.between(c.openTime(best), c.openTime(best + bestLen - 1) + 1);
    }

    private static BarSeries ta4j(CandleSeries c) {
        BarSeries s = new BaseBarSeriesBuilder().withNumTypeOf(DoubleNum.class).build();
        Duration d = Duration.ofMillis(c.timeframe().millis());
        for (int i = 0; i < c.size(); i++) {
            s.addBar(d, Instant.ofEpochMilli(c.openTime(i)).plus(d).atZone(ZoneOffset.UTC), c.open(i), c.high(i),
                    c.low(i), c.close(i), c.volume(i));
        }
        return s;
    }

    private static Bars bars(CandleSeries c) {
        double[] n = new double[c.size()];
        return new Bars(c.openTimes(), c.timeframe().millis(), c.opens(), c.highs(), c.lows(), c.closes(), c.volumes(),
                c.quoteVolumes(), n, c.takerBuyVolumes(), null, null, null, null);
    }
}
