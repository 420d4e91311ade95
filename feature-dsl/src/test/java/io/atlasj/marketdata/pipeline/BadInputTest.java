package io.atlasj.marketdata.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.imports.RowProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every kind of bad input: by default the whole file is rejected with file, line and field and nothing of it is
 * written; with --skip-bad-rows the good rows are imported and the bad ones reported.
 */
class BadInputTest extends ImportFixture {
    private static final Market BTC = new Market("bitstamp", "btc_usd");
    private static final Market FIL = new Market("binance-um", "filusdt");
    private static final String KLINE_HEADER = "open_time,open,high,low,close,volume,close_time,quote_volume,count,"
            + "taker_buy_volume,taker_buy_quote_volume,ignore";

    private static ImportOptions trades() {
        return ImportOptions.of(ImportFormat.BITSTAMP_TRADES, "bitstamp", "btc_usd");
    }

    private static ImportOptions klines() {
        return ImportOptions.of(ImportFormat.BINANCE_KLINES, "binance-um", "filusdt").withTimeframe(Timeframe.M1);
    }

    private static String kline(long openTime, String open, String high, String low, String close) {
        return openTime + "," + open + "," + high + "," + low + "," + close + ",10," + (openTime + 59_999)
                + ",50,3,4,20,0";
    }

    private void assertRejected(ImportJob.FileOutcome o, String file, int line, String field) {
        assertThat(o.rejected()).isTrue();
        assertThat(o.error()).contains(file + ":" + line + ": " + (field == null ? "" : field + ":"))
                .contains("nothing was imported from this file").contains("--skip-bad-rows");
        assertThat(store.markets()).isEmpty();
        assertThat(store.summaries()).isEmpty();
    }

    @Test
    void wrongColumnCountRejectsTheFile() throws IOException {
        var o = importFile("t.csv", "timestamp,price,amount\n1385337600,800.01,0.1\n1385337601,800.02\n", trades());
        assertRejected(o, "t.csv", 3, null);
        assertThat(o.error()).contains("expected 3 columns, found 2");
    }

    @Test
    void nonNumericFieldRejectsTheFile() throws IOException {
        var o = importFile("t.csv", "1385337600,800.01,0.1\n1385337601,eight hundred,0.2\n", trades());
        assertRejected(o, "t.csv", 2, "price");
        assertThat(o.error()).contains("not a number: 'eight hundred'");
    }

    @Test
    void negativeOrZeroPriceRejectsTheFile() throws IOException {
        var o = importFile("t.csv", "1385337600,-800.01,0.1\n1385337601,0,0.2\n1385337602,800,0.2\n", trades());
        assertRejected(o, "t.csv", 1, "price");
        assertThat(o.error()).contains("must be positive, got -800.01").contains("t.csv:2: price: must be positive, got 0");
    }

    @Test
    void highBelowLowRejectsTheFile() throws IOException {
        long t = 1_675_209_600_000L;
        var o = importFile("k.csv", KLINE_HEADER + "\n" + kline(t, "5", "5.1", "4.9", "5") + "\n"
                + kline(t + 60_000, "5", "4.8", "5.2", "5") + "\n", klines());
        assertRejected(o, "k.csv", 3, "high");
        assertThat(o.error()).contains("high 4.8 is below low 5.2");
    }

    @Test
    void timestampsOutOfOrderRejectTheFile() throws IOException {
        var o = importFile("t.csv", "1385337605,800.01,0.1\n1385337600,800.02,0.2\n", trades());
        assertRejected(o, "t.csv", 2, "timestamp");
        assertThat(o.error()).contains("out of order");
        long t = 1_675_209_600_000L;
        var k = importFile("k.csv", kline(t + 60_000, "5", "5", "5", "5") + "\n" + kline(t, "5", "5", "5", "5"), klines());
        assertRejected(k, "k.csv", 2, "open_time");
    }

    @Test
    void duplicatedTimestampRejectsTheFile() throws IOException {
        long t = 1_675_209_600_000L;
        var o = importFile("k.csv", kline(t, "5", "5", "5", "5") + "\n" + kline(t, "5", "5", "5", "5") + "\n", klines());
        assertRejected(o, "k.csv", 2, "open_time");
        assertThat(o.error()).contains("duplicates the bar of line 1");
    }

    @Test
    void misalignedBarRejectsTheFile() throws IOException {
        long t = 1_675_209_600_000L + 1_000;
        var o = importFile("k.csv", kline(t, "5", "5", "5", "5") + "\n", klines());
        assertRejected(o, "k.csv", 1, "open_time");
        assertThat(o.error()).contains("not on a 1m boundary");
    }

    @Test
    void malformedJsonRejectsTheFile() throws IOException {
        var o = importFile("x.json", "{\"candles\":[{\"start\":\"1463544000\",\"open\":\"1\",}", 
                ImportOptions.of(ImportFormat.TA4J_JSON, "coinbase", "btc_usd"));
        assertThat(o.rejected()).isTrue();
        assertThat(o.error()).contains("x.json").contains("line 1").contains("malformed JSON");
        assertThat(store.markets()).isEmpty();
    }

    @Test
    void badWebsocketLineRejectsTheFile() throws IOException {
        String good = "1723161254087896568 {\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":1723161255343,"
                + "\"s\":\"BTCUSDT\",\"t\":3735683259,\"p\":\"61837.63\",\"q\":\"0.02\",\"T\":1723161255342,\"m\":true}}";
        var o = importFile("ws.txt", good + "\n1723161254087896569 {\"stream\": oops\n",
                ImportOptions.of(ImportFormat.BINANCE_WS, "binance", null));
        assertRejected(o, "ws.txt", 2, "json");
    }

    @Test
    void unknownFormatSuggestsTheClosest() {
        assertThatThrownBy(() -> ImportFormat.parse("bitstamp-trade"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown format 'bitstamp-trade'")
                .hasMessageContaining("did you mean 'bitstamp-trades'")
                .hasMessageContaining("binance-ws");
    }

    @Test
    void missingExchangeIsNamed() throws IOException {
        var o = importFile("t.csv", "1385337600,800.01,0.1\n", ImportOptions.of(ImportFormat.BITSTAMP_TRADES, null, null));
        assertThat(o.error()).contains("t.csv").contains("--exchange is required for format bitstamp-trades");
    }

    @Test
    void skipBadRowsImportsTheGoodRowsAndReportsTheBadOnes() throws IOException {
        String content = "timestamp,price,amount\n"
                + "1385337600,800.01,0.1\n"     // 2 good
                + "1385337601,abc,0.1\n"        // 3 bad: non-numeric
                + "1385337602,800.03,0.3\n"     // 4 good
                + "1385337603,-1,0.3\n"         // 5 bad: negative
                + "1385337604,800\n"            // 6 bad: columns
                + "1385337601,800.05,0.1\n"     // 7 bad: out of order
                + "1385337660,801,0.5\n";       // 8 good
        var o = importFile("t.csv", content, trades().withSkipBadRows(true));
        assertThat(o.rejected()).isFalse();
        assertThat(o.rowsRead()).isEqualTo(7);
        assertThat(o.badRows()).isEqualTo(4);
        assertThat(o.inserted()).isEqualTo(3);
        assertThat(o.skipped()).extracting(RowProblem::line).containsExactly(3L, 5L, 6L, 7L);
        assertThat(o.skipped()).extracting(RowProblem::field).containsExactly("price", "price", null, "timestamp");
        assertThat(store.trades(BTC, Long.MIN_VALUE, Long.MAX_VALUE).prices()).containsExactly(800.01, 800.03, 801.0);
        // and the candles made from the good rows only
        assertThat(store.candles(BTC, Timeframe.M1).size()).isEqualTo(2);
        assertThat(store.candles(FIL, Timeframe.M1).size()).isZero();
    }

    @Test
    void aRejectedFileDoesNotStopTheOthers() throws IOException {
        Path bad = dir.resolve("bad.csv");
        Path good = dir.resolve("good.csv");
        Files.writeString(bad, "1385337600,x,0.1\n");
        Files.writeString(good, "1385337600,800,0.1\n");
        var s = new ImportJob(store).run(List.of(bad, good), trades(), ImportJob.Listener.NONE);
        assertThat(s.rejectedFiles()).isEqualTo(1);
        assertThat(s.inserted()).isEqualTo(1);
    }
}
