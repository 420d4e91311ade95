package io.atlasj.marketdata.imports;

import io.atlasj.marketdata.Timeframe;

/**
 * Checks that bar open times are plausible ({@link TimeWindow}), on the timeframe's UTC grid and strictly increasing
 * within a file.
 */
final class TimeOrder {
    private final Timeframe timeframe;
    private final TimeWindow window;
    private long lastTime = Long.MIN_VALUE;
    private long lastLine;

    TimeOrder(Timeframe timeframe, TimeWindow window) {
        this.timeframe = timeframe;
        this.window = window;
    }

    /** Returns true when {@code openTime} may follow the last accepted bar; otherwise records the problem. */
    boolean accept(CsvRow row, String field, long openTime) {
        return accept(row::problem, row.line(), field, openTime);
    }

    boolean accept(ProblemSink sink, long line, String field, long openTime) {
        String implausible = window.problem(openTime);
        if (implausible != null) {
            sink.problem(field, implausible);
            return false;
        }
        if (timeframe.floor(openTime) != openTime) {
            sink.problem(field, "time " + java.time.Instant.ofEpochMilli(openTime) + " is not on a " + timeframe
                    + " boundary (bars must be aligned to UTC " + timeframe + " boundaries"
                    + (timeframe == io.atlasj.marketdata.Timeframe.W1 ? ": a week opens on Monday 00:00 UTC" : "")
                    + (timeframe == io.atlasj.marketdata.Timeframe.D3 ? ": three-day bars open on 1970-01-01 and "
                    + "every third day after, so this one's would open on "
                    + java.time.Instant.ofEpochMilli(timeframe.floor(openTime)).toString().substring(0, 10)
                    + "; import the daily bars and Atlas derives the three-day ones" : "")
                    + "; check --timeframe)");
            return false;
        }
        if (openTime == lastTime) {
            sink.problem(field, "duplicates the bar of line " + lastLine + " (" + java.time.Instant.ofEpochMilli(openTime) + ")");
            return false;
        }
        if (openTime < lastTime) {
            sink.problem(field, "out of order: " + java.time.Instant.ofEpochMilli(openTime)
                    + " is before the bar of line " + lastLine + " (" + java.time.Instant.ofEpochMilli(lastTime) + ")");
            return false;
        }
        lastTime = openTime;
        lastLine = line;
        return true;
    }

    @FunctionalInterface
    interface ProblemSink {
        void problem(String field, String message);
    }
}
