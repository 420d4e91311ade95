package io.atlasj.features.eval;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.Timeframe;

import java.util.List;

/** A source that hands every call to another; the sources made from one override what they change. */
abstract class ForwardingSource implements SeriesSource {
    final SeriesSource source;

    ForwardingSource(SeriesSource source) {
        this.source = source;
    }

    @Override
    public CandleSeries candles(Market market, Timeframe tf, long from, long to) {
        return source.candles(market, tf, from, to);
    }

    @Override
    public QuoteCandleSeries quoteBars(Market market, Timeframe tf, long from, long to) {
        return source.quoteBars(market, tf, from, to);
    }

    @Override
    public List<Market> markets() {
        return source.markets();
    }

    @Override
    public String fingerprint(Market market, Timeframe tf, boolean quoteBars) {
        return source.fingerprint(market, tf, quoteBars);
    }

    @Override
    public String name() {
        return source.name();
    }

    @Override
    public String hint() {
        return source.hint();
    }

    @Override
    public String candlesName() {
        return source.candlesName();
    }

    @Override
    public String lacksWhy() {
        return source.lacksWhy();
    }
}
