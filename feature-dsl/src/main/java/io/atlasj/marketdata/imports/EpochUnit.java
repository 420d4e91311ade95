package io.atlasj.marketdata.imports;

/**
 * The unit of an epoch timestamp, told by its magnitude: below 1e11 seconds, below 1e14 milliseconds, below 1e17
 * microseconds, else nanoseconds (each bound is past the year 5000 in the smaller unit and before 1973 in the larger).
 */
enum EpochUnit {
    SECONDS("s", 1000.0), MILLIS("ms", 1.0), MICROS("us", 1e-3), NANOS("ns", 1e-6);

    final String label;
    private final double toMillis;

    EpochUnit(String label, double toMillis) {
        this.label = label;
        this.toMillis = toMillis;
    }

    static EpochUnit of(double v) {
        double a = Math.abs(v);
        return a < 1e11 ? SECONDS : a < 1e14 ? MILLIS : a < 1e17 ? MICROS : NANOS;
    }

    long toMillis(double v) {
        return Math.round(v * toMillis);
    }

    @Override
    public String toString() {
        return label;
    }
}
