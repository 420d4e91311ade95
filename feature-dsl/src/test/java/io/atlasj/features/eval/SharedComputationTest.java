package io.atlasj.features.eval;

import static io.atlasj.features.Dsl.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.features.Feature;
import io.atlasj.features.set.MarketResolver;
import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.store.MarketDataStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Features that share an intermediate series (the MACD family's EMAs and signal line, the Bollinger pair's mean and
 * deviation, the stochastics' highs and lows, ATR and ADX's true range) give, built together in one evaluator, exactly
 * the values each gives built alone, in either order, on the bundled Bitstamp minutes with their gaps under each gap
 * policy: a feature never sees another's warm-up mask or values through what they share.
 */
class SharedComputationTest {
    static final Market BTC = new Market("bitstamp", "btc_usd");
    static final List<Feature> FAMILY = List.of(EMA(12), EMA(26), SMA(20), MACD(), MACDSignal(), MACDHist(),
            MACD(5, 35, 5), BollingerPctB(20, 2), BollingerWidth(20, 2), BollingerPctB(20, 3), StochK(14), StochD(14, 3),
            StochJ(14, 3), WilliamsR(14), ATR(14), ADX(14), ATR(7));
    @TempDir
    static Path dir;
    static MarketDataStore store;
    static CandleSeries c;

    @BeforeAll
    static void load() {
        store = MarketDataStore.open(dir);
        BundledData.importInto(store, dir.resolve("b"));
        c = store.candles(BTC, Timeframe.M1);
    }

    @AfterAll
    static void close() {
        store.close();
    }

    private Evaluator evaluator(GapPolicy gaps) {
        return new Evaluator(SeriesSource.of(store), gaps, c.openTime(0), c.openTime(c.size() - 1) + 60_000);
    }

    private static Feature resolved(Feature f) {
        return new MarketResolver(BTC, Timeframe.M1, null, null, List.of(BTC)).resolve(f);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(GapPolicy.class)
    void togetherInEitherOrderEqualsAlone(GapPolicy gaps) {
        Evaluator forward = evaluator(gaps);
        Evaluator backward = evaluator(gaps);
        double[][] fwd = new double[FAMILY.size()][];
        double[][] bwd = new double[FAMILY.size()][];
        for (int i = 0; i < FAMILY.size(); i++) {
            fwd[i] = forward.evaluate(resolved(FAMILY.get(i))).values();
        }
        for (int i = FAMILY.size() - 1; i >= 0; i--) {
            bwd[i] = backward.evaluate(resolved(FAMILY.get(i))).values();
        }
        for (int i = 0; i < FAMILY.size(); i++) {
            double[] alone = evaluator(gaps).evaluate(resolved(FAMILY.get(i))).values();
            String id = FAMILY.get(i).id();
            assertThat(fwd[i]).as(id).containsExactly(alone);
            assertThat(bwd[i]).as(id).containsExactly(alone);
            if (gaps == GapPolicy.BRIDGE) { // one long segment: values to compare, not only warm-up
                assertThat(java.util.Arrays.stream(alone).filter(Double::isFinite).count()).as(id)
                        .isGreaterThan(alone.length / 2);
            }
        }
        // what is shared is shared, and what a feature returns is its own
        assertThat(fwd[3]).isNotSameAs(fwd[4]);
        double[] hist = fwd[5];
        for (int i = 0; i < hist.length; i++) {
            if (Double.isFinite(hist[i])) {
                assertThat(hist[i]).isEqualTo(fwd[3][i] - fwd[4][i]);
            }
        }
    }

    @Test
    void aSharedValueIsComputedOnceForItsBars() {
        Bars b = new Bars(new long[] {0, 60_000}, 60_000, null, null, null, new double[] {1, 2}, null, null, null,
                null, null, null, null, null);
        int[] calls = {0};
        double[] first = b.shared("x", () -> {
            calls[0]++;
            return new double[] {1};
        });
        assertThat(b.<double[]>shared("x", () -> {
            calls[0]++;
            return new double[] {2};
        })).isSameAs(first);
        assertThat(calls[0]).isEqualTo(1);
        // other bars share nothing with these
        Bars other = new Bars(b.time(), 60_000, null, null, null, b.close(), null, null, null, null, null, null, null,
                null);
        assertThat(other.<double[]>shared("x", () -> new double[] {3})).containsExactly(3);
    }
}
