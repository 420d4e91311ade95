package io.atlasj.trainer.live;

import io.atlasj.marketdata.Market;
import java.net.URI;
import java.util.Locale;

/**
 * Which of Binance's market-data APIs serves a market, told by the market's exchange name: spot ({@code binance}),
 * Binance.US ({@code binance-us}), USD-M futures ({@code binance-um}, as Binance's data archive names them) and COIN-M
 * futures ({@code binance-cm}). All four speak one protocol: kline and trade streams over a websocket
 * ({@code /ws/NAME}, {@code /stream?streams=A/B}) and the same kline and trade rows over REST, each at its own hosts
 * and under its own REST path. The bars of a futures contract are not its spot market's, so the API must follow the
 * market the model was trained on.
 *
 * <p>A COIN-M contract's volume is a number of contracts (a trade's quantity too), as in Binance's COIN-M files: a
 * model trained on those files' imports reads the same units live.
 */
enum BinanceApi {
    SPOT("spot", "Binance spot", "wss://stream.binance.com:9443", "https://api.binance.com", "/api/v3", 1000),
    US("us", "Binance.US", "wss://stream.binance.us:9443", "https://api.binance.us", "/api/v3", 1000),
    USD_M("um", "Binance USD-M futures", "wss://fstream.binance.com", "https://fapi.binance.com", "/fapi/v1", 500),
    COIN_M("cm", "Binance COIN-M futures", "wss://dstream.binance.com", "https://dapi.binance.com", "/dapi/v1", 500);

    /** Names of exchanges (after {@code binance} and a separator) and the API each is read from. */
    private static final String NAMES = "binance (spot), binance-us, binance-um (USD-M futures: also usdm, futures, "
            + "perp), binance-cm (COIN-M futures: also coinm)";

    /** How {@code --ws-url ID=URL} and {@code --rest-url ID=URL} name the API: spot, us, um or cm. */
    final String id;
    final String title;
    final URI websocket;
    final URI rest;
    /** The REST path the endpoints ({@code /time}, {@code /klines}, {@code /historicalTrades}) are under. */
    final String path;
    /** The most trades {@code /historicalTrades} gives in one page. */
    final int tradePage;

    BinanceApi(String id, String title, String websocket, String rest, String path, int tradePage) {
        this.id = id;
        this.title = title;
        this.websocket = URI.create(websocket);
        this.rest = URI.create(rest);
        this.path = path;
        this.tradePage = tradePage;
    }

    /** The API {@code id} names ({@link #id}), or null. */
    static BinanceApi byId(String id) {
        for (BinanceApi a : values()) {
            if (a.id.equals(id)) {
                return a;
            }
        }
        return null;
    }

    /** The ids of the APIs, for a message: spot (Binance spot), us (...), ... */
    static String ids() {
        return java.util.Arrays.stream(values()).map(a -> a.id + " (" + a.title + ")")
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /**
     * The API of {@code market}, or null when its exchange is not one of Binance's (a server of the same protocol for
     * another exchange then speaks the spot paths).
     *
     * @throws IllegalArgumentException for a Binance exchange name that names none of the four
     */
    static BinanceApi of(Market market) {
        String exchange = market.exchange().toLowerCase(Locale.ROOT);
        if (!exchange.startsWith("binance")) {
            return null;
        }
        String kind = exchange.substring("binance".length()).replaceFirst("^[-_.]", "");
        String[] parts = market.symbol().split("_");
        // freqtrade names a perpetual base_quote_settle (btc_usdt_usdt, btc_usd_btc), under the exchange's own name
        BinanceApi settled = parts.length != 3 ? null : parts[2].equals(parts[0]) ? COIN_M : USD_M;
        return switch (kind) {
            case "", "spot", "com" -> settled != null ? settled : SPOT;
            case "us" -> US;
            case "um", "usdm", "usd-m", "usds-m", "usdsm" -> USD_M;
            case "cm", "coinm", "coin-m" -> COIN_M;
            // a COIN-M contract is quoted in US dollars (BTCUSD_PERP, BTCUSD_250926; LEAN's cryptofuture btcusd), a
            // USD-M one in a stablecoin (BTCUSDT, ETHBUSD, BTCUSDT_250926)
            case "future", "futures", "perp", "perps", "perpetual", "perpetuals", "swap", "swaps" ->
                    settled != null ? settled : inDollars(pair(market.symbol())) ? COIN_M : USD_M;
            default -> throw new IllegalArgumentException(market + " names none of Binance's market-data APIs the "
                    + "binance-ws feed reads: " + NAMES + ". Give --ws-url and --rest-url of a server of this protocol "
                    + "for it");
        };
    }

    /** Whether a pair ({@code btcusd}) is quoted in US dollars themselves, not in a stablecoin ({@code ethbusd}). */
    private static boolean inDollars(String pair) {
        return pair.endsWith("usd") && !pair.endsWith("busd") && !pair.endsWith("tusd") && !pair.endsWith("fdusd");
    }

    /** A futures symbol's contract suffix ({@code perp}, or a delivery date {@code 250926}), or null. */
    private static String contract(String symbol) {
        int u = symbol.lastIndexOf('_');
        String suffix = u < 0 ? "" : symbol.substring(u + 1).toLowerCase(Locale.ROOT);
        return suffix.equals("perp") || suffix.matches("\\d{6}") ? suffix : null;
    }

    /** A symbol's pair without its contract suffix, letters and digits only, lower case ({@code btcusd}). */
    private static String pair(String symbol) {
        String c = contract(symbol);
        String p = c == null ? symbol : symbol.substring(0, symbol.lastIndexOf('_'));
        return p.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
    }

    /**
     * The exchange's symbol of {@code market}: its letters and digits in upper case ({@code btc-usdt} is
     * {@code BTCUSDT}); a futures contract keeps its suffix ({@code BTCUSD_PERP}, {@code BTCUSDT_250926}), a COIN-M
     * pair without one ({@code btcusd}, as LEAN names it) is the perpetual, and a freqtrade perpetual's
     * {@code base_quote_settle} is the contract Binance lists ({@code BTCUSDT}, {@code BTCUSD_PERP}).
     */
    String symbol(Market market) {
        String s = market.symbol();
        if (this == SPOT || this == US) {
            return s.replaceAll("[^A-Za-z0-9]", "").toUpperCase(Locale.ROOT);
        }
        String[] parts = s.split("_");
        if (parts.length == 3 && contract(s) == null) {
            String p = (parts[0] + parts[1]).toUpperCase(Locale.ROOT);
            return this == COIN_M ? p + "_PERP" : p;
        }
        String c = contract(s);
        String p = pair(s).toUpperCase(Locale.ROOT);
        return c != null ? p + "_" + c.toUpperCase(Locale.ROOT) : this == COIN_M ? p + "_PERP" : p;
    }
}
