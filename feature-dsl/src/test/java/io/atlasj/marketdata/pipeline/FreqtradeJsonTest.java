package io.atlasj.marketdata.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * freqtrade's OHLCV files as its download-data writes them (user_data/data/&lt;exchange&gt;/PAIR-TF.json, ccxt
 * candles [ms, o, h, l, c, v]): pair, timeframe and exchange from the path, plain and gzip, futures, and the refusals.
 */
class FreqtradeJsonTest extends ImportFixture {
    /** Three 5-minute BTC/USDT candles of 2024-01-01, as freqtrade writes them (one line, no spaces). */
    static final String CANDLES = "[[1704067200000,42283.58,42298.62,42261.02,42298.61,35.92724],"
            + "[1704067500000,42298.62,42320.0,42298.61,42314.0,21.0],"
            + "[1704067800000,42314.0,42316.7,42280.0,42290.01,18.5]]";

    private ImportJob.FileOutcome importAt(String relative, byte[] content, ImportOptions options) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        return new ImportJob(store).run(List.of(file), options, ImportJob.Listener.NONE).files().get(0);
    }

    private static ImportOptions freqtrade() {
        return ImportOptions.of(ImportFormat.FREQTRADE_JSON, null, null);
    }

    @Test
    void pairTimeframeAndExchangeComeFromThePath() throws IOException {
        var o = importAt("user_data/data/binance/BTC_USDT-5m.json", CANDLES.getBytes(StandardCharsets.UTF_8), freqtrade());
        assertThat(o.rejected()).as(o.error()).isFalse();
        CandleSeries c = store.candles(new Market("binance", "btc_usdt"), Timeframe.M5);
        assertThat(c.size()).isEqualTo(3);
        assertThat(c.openTime(0)).isEqualTo(1704067200000L);
        assertThat(c.open(0)).isEqualTo(42283.58);
        assertThat(c.high(1)).isEqualTo(42320.0);
        assertThat(c.low(2)).isEqualTo(42280.0);
        assertThat(c.close(2)).isEqualTo(42290.01);
        assertThat(c.volume(0)).isEqualTo(35.92724);
        // resampled like any import: the 15-minute bar of the three
        CandleSeries q = store.candles(new Market("binance", "btc_usdt"), Timeframe.M15);
        assertThat(q.size()).isEqualTo(1);
        assertThat(q.high(0)).isEqualTo(42320.0);
        assertThat(q.volume(0)).isEqualTo(35.92724 + 21.0 + 18.5);
    }

    @Test
    void aMonthlyFileIsRefusedNotReadAsMinutes() throws IOException {
        // ccxt and freqtrade write a month as 1M; read case-insensitively it would be 1m, and three months of candles
        // would be stored as three minutes
        var o = importAt("user_data/data/binance/BTC_USDT-1M.json", CANDLES.getBytes(StandardCharsets.UTF_8),
                freqtrade());
        assertThat(o.rejected()).isTrue();
        assertThat(o.error()).contains("BTC_USDT-1M.json").contains("timeframe 1M").contains("does not store");
        assertThat(store.candles(new Market("binance", "btc_usdt"), Timeframe.M1).size()).isZero();
    }

    @Test
    void gzipAndFuturesFiles() throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(b)) {
            gz.write(CANDLES.getBytes(StandardCharsets.UTF_8));
        }
        var o = importAt("data/kraken/futures/ETH_USDT_USDT-5m-futures.json.gz", b.toByteArray(), freqtrade());
        assertThat(o.rejected()).as(o.error()).isFalse();
        assertThat(store.candles(new Market("kraken", "eth_usdt_usdt"), Timeframe.M5).size()).isEqualTo(3);
    }

    @Test
    void refusalsNameTheFileTheCandleAndTheField() throws IOException {
        var mark = importAt("binance/futures/BTC_USDT_USDT-1h-mark.json", CANDLES.getBytes(StandardCharsets.UTF_8),
                freqtrade());
        assertThat(mark.rejected()).isTrue();
        assertThat(mark.error()).contains("holds mark values, not traded candles").contains("BTC_USDT_USDT-1h-futures.json");
        String broken = CANDLES.replace("42298.62,42320.0,42298.61", "42298.62,42250.0,42298.61");
        var bad = importAt("binance/BTC_USDT-5m.json", broken.getBytes(StandardCharsets.UTF_8), freqtrade());
        assertThat(bad.rejected()).isTrue();
        assertThat(bad.error()).contains("BTC_USDT-5m.json").contains("[1]").contains("lies outside");
        // seconds given where freqtrade writes milliseconds: refused by the time's size, not stored in 1970
        var seconds = importAt("binance/ETH_USDT-5m.json", CANDLES.replace("000,", ",").getBytes(StandardCharsets.UTF_8),
                freqtrade());
        assertThat(seconds.rejected()).isTrue();
        assertThat(seconds.error()).contains("is epoch s by its size, but freqtrade-json takes epoch ms");
        var unnamed = importAt("candles.json", CANDLES.getBytes(StandardCharsets.UTF_8), freqtrade());
        assertThat(unnamed.rejected()).isTrue();
        assertThat(unnamed.error()).contains("--exchange is required");
        var named = importAt("candles2.json", CANDLES.getBytes(StandardCharsets.UTF_8),
                ImportOptions.of(ImportFormat.FREQTRADE_JSON, "binance", "sol_usdt"));
        assertThat(named.rejected()).as(named.error()).isFalse();
        assertThat(store.candles(new Market("binance", "sol_usdt"), Timeframe.M5).size()).isEqualTo(3);
        var object = importAt("binance/XRP_USDT-5m.json", "{\"candles\":[]}".getBytes(StandardCharsets.UTF_8),
                freqtrade());
        assertThat(object.error()).contains("expected a JSON array of candles");
    }
}
