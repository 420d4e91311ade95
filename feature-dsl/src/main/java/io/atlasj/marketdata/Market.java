package io.atlasj.marketdata;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One traded instrument on one venue, e.g. {@code bitstamp:btc_usd}. Both parts are lower case; the symbol keeps
 * the venue's spelling otherwise ({@code btcusdt}, {@code btc_usd}).
 */
public record Market(String exchange, String symbol) implements Comparable<Market> {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.\\-]*");

    public Market {
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(symbol, "symbol");
        exchange = exchange.trim().toLowerCase(Locale.ROOT);
        symbol = symbol.trim().toLowerCase(Locale.ROOT);
        if (!NAME.matcher(exchange).matches()) {
            throw new IllegalArgumentException("exchange must be letters, digits, '_', '.' or '-', got '" + exchange + "'");
        }
        if (!NAME.matcher(symbol).matches()) {
            throw new IllegalArgumentException("symbol must be letters, digits, '_', '.' or '-', got '" + symbol + "'");
        }
    }

    /** Parses {@code exchange:symbol}. */
    public static Market parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("market must be written exchange:symbol, e.g. bitstamp:btc_usd, got '" + text + "'");
        }
        return new Market(text.substring(0, colon), text.substring(colon + 1));
    }

    @Override
    public int compareTo(Market o) {
        int c = exchange.compareTo(o.exchange);
        return c != 0 ? c : symbol.compareTo(o.symbol);
    }

    @Override
    public String toString() {
        return exchange + ":" + symbol;
    }
}
