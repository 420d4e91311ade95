package io.atlasj.workspec.split;

/**
 * How rows are divided in time; never shuffled. Every policy purges training rows whose label window reaches into
 * the rows evaluated after them (the purge length is the label's horizon) and may add an embargo.
 *
 * <p>Walk-forward and purged k-fold are evaluated fold by fold inside one run of a ModelSpec: expansion does not
 * depend on the data's length, and a fold's result is part of the model's result.
 */
public sealed interface SplitPolicy permits SplitPolicy.Chronological, SplitPolicy.WalkForward, SplitPolicy.PurgedKFold {

    /**
     * The canonical text of this policy, part of every model key: written field by field so that renaming or
     * reordering a record component cannot change a key. Frozen: it reproduces what keys of key version 1 were made
     * of (the records' default {@code toString()} at the time, {@link Long#MIN_VALUE} for unused dates included),
     * pinned by the golden key fixture. Never change it without bumping {@code Expander.KEY_VERSION}.
     */
    String canonical();

    /**
     * Train, then validation, then test: by fractions of the rows (summing to 1), or by dates when
     * {@code validationFrom} and {@code testFrom} are set (UTC ms; {@link Long#MIN_VALUE} when unused): rows before
     * {@code validationFrom} train, rows from {@code testFrom} on test.
     */
    record Chronological(double train, double validation, double test, int embargo, long validationFrom, long testFrom)
            implements SplitPolicy {
        public Chronological {
            boolean byDate = validationFrom != Long.MIN_VALUE || testFrom != Long.MIN_VALUE;
            if (byDate) {
                if (validationFrom == Long.MIN_VALUE || testFrom == Long.MIN_VALUE || validationFrom >= testFrom) {
                    throw new IllegalArgumentException("a split by dates needs validationFrom before testFrom");
                }
            } else if (train <= 0 || validation < 0 || test < 0 || Math.abs(train + validation + test - 1) > 1e-9) {
                throw new IllegalArgumentException("train, validation and test must be fractions summing to 1 with "
                        + "train > 0, got " + train + ", " + validation + ", " + test);
            }
            if (embargo < 0) {
                throw new IllegalArgumentException("embargo must not be negative, got " + embargo);
            }
        }

        /** By fractions. */
        public Chronological(double train, double validation, double test, int embargo) {
            this(train, validation, test, embargo, Long.MIN_VALUE, Long.MIN_VALUE);
        }

        /** By dates (UTC ms). */
        public static Chronological byDates(long validationFrom, long testFrom, int embargo) {
            return new Chronological(0, 0, 0, embargo, validationFrom, testFrom);
        }

        public boolean byDates() {
            return validationFrom != Long.MIN_VALUE;
        }

        @Override
        public String canonical() {
            return "Chronological[train=" + Double.toString(train) + ", validation=" + Double.toString(validation)
                    + ", test=" + Double.toString(test) + ", embargo=" + embargo + ", validationFrom=" + validationFrom
                    + ", testFrom=" + testFrom + "]";
        }
    }

    /**
     * Folds of {@code test} rows each, stepping by {@code step}; training on the {@code train} rows before
     * (rolling) or on all rows before (expanding); the last {@code validation} fraction of each training window is
     * the validation part.
     */
    record WalkForward(boolean expanding, int train, int test, int step, double validation, int embargo)
            implements SplitPolicy {
        public WalkForward {
            if (train < 2 || test < 1 || step < 1) {
                throw new IllegalArgumentException("walk-forward needs train >= 2, test >= 1 and step >= 1 rows");
            }
            if (validation < 0 || validation >= 1) {
                throw new IllegalArgumentException("validation must be a fraction in [0, 1), got " + validation);
            }
        }

        /**
         * Refuses test blocks that overlap: checked when a spec is read for a new run and when folds are made for
         * training, not here, so that results and journaled specs written before the check still read.
         */
        public void checkBlocksDoNotOverlap() {
            if (step < test) {
                throw new IllegalArgumentException("walk-forward's step (" + step + " rows) is below its test block ("
                        + test + " rows): the test blocks would overlap and the rows they share would count twice "
                        + "in every metric; give step >= test");
            }
        }

        @Override
        public String canonical() {
            return "WalkForward[expanding=" + expanding + ", train=" + train + ", test=" + test + ", step=" + step
                    + ", validation=" + Double.toString(validation) + ", embargo=" + embargo + "]";
        }
    }

    /** k contiguous test folds; training on the others minus purged and embargoed rows (Lopez de Prado). */
    record PurgedKFold(int k, int embargo, double validation) implements SplitPolicy {
        public PurgedKFold {
            if (k < 2) {
                throw new IllegalArgumentException("k must be at least 2, got " + k);
            }
            if (embargo < 0) {
                throw new IllegalArgumentException("embargo must not be negative, got " + embargo);
            }
            if (validation < 0 || validation >= 1) {
                throw new IllegalArgumentException("validation must be a fraction in [0, 1), got " + validation);
            }
        }

        @Override
        public String canonical() {
            return "PurgedKFold[k=" + k + ", embargo=" + embargo + ", validation=" + Double.toString(validation) + "]";
        }
    }
}
