package io.atlasj.marketdata.pipeline;

import io.atlasj.marketdata.imports.ImportException;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.imports.ParsedFile;
import io.atlasj.marketdata.imports.Parsers;
import io.atlasj.marketdata.imports.RowProblem;
import io.atlasj.marketdata.store.IngestResult;
import io.atlasj.marketdata.store.Ingestor;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.marketdata.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports files one after another, each in its own transaction: parse and validate the whole file, then write it
 * with its resampled bars. A rejected file writes nothing and does not stop the others.
 *
 * <p>Parsing, the larger part of an import's time since bars are written as segment files, runs ahead on other
 * cores: while one file is written, the next two (at most, and no more than the machine has cores: parsed files are
 * held in memory) are parsed. Files are still written, and reported, one at a time in the order given. A single file
 * is parsed on the calling thread.
 */
public final class ImportJob {
    private static final Logger LOG = LoggerFactory.getLogger(ImportJob.class);
    private final MarketDataStore store;
    private final boolean revise;

    public ImportJob(MarketDataStore store) {
        this(store, false);
    }

    /** @param revise the files correct bars imported before: see {@link Ingestor#Ingestor(MarketDataStore, boolean)} */
    public ImportJob(MarketDataStore store, boolean revise) {
        this.store = store;
        this.revise = revise;
    }

    /** Receives progress; called on the importing thread (the one calling {@link #run}). */
    public interface Listener {
        default void fileStarted(Path file, long bytes, int index, int total) {
        }

        /**
         * How much of the current file has been read: {@code bytes} of its size on disk (of the compressed file for a
         * compressed one), a total that only grows, and at the end the whole file.
         */
        default void bytesRead(long bytes) {
        }

        default void fileDone(FileOutcome outcome) {
        }

        Listener NONE = new Listener() {
        };
    }

    /** The result of one file. {@code error} is null when it was imported. */
    /** @param changedFrom see {@link IngestResult#changedFrom} ({@link Long#MAX_VALUE} when nothing changed) */
    public record FileOutcome(Path file, long rowsRead, long inserted, long present, long badRows,
                              List<RowProblem> skipped, java.util.Map<String, Long> reasons, long derived, long filled, long ignored, String error,
                              long millis, long changedFrom, long revised, List<String> revisions) {
        public FileOutcome {
            skipped = List.copyOf(skipped);
            revisions = List.copyOf(revisions);
            reasons = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(reasons));
        }

        public boolean rejected() {
            return error != null;
        }
    }

    /** Totals over all files. */
    public record Summary(List<FileOutcome> files, long millis) {
        public Summary {
            files = List.copyOf(files);
        }

        public long rowsRead() {
            return files.stream().mapToLong(FileOutcome::rowsRead).sum();
        }

        public long inserted() {
            return files.stream().mapToLong(FileOutcome::inserted).sum();
        }

        public long present() {
            return files.stream().mapToLong(FileOutcome::present).sum();
        }

        public long badRows() {
            return files.stream().mapToLong(FileOutcome::badRows).sum();
        }

        public long derived() {
            return files.stream().mapToLong(FileOutcome::derived).sum();
        }

        public long revised() {
            return files.stream().mapToLong(FileOutcome::revised).sum();
        }

        public long filled() {
            return files.stream().mapToLong(FileOutcome::filled).sum();
        }

        public long rejectedFiles() {
            return files.stream().filter(FileOutcome::rejected).count();
        }
    }

    public Summary run(List<Path> files, ImportOptions options, Listener listener) {
        long start = System.nanoTime();
        List<FileOutcome> outcomes = new ArrayList<>();
        int ahead = Math.min(Math.min(2, Runtime.getRuntime().availableProcessors()), files.size() - 1);
        ExecutorService parsers = ahead <= 0 ? null : Executors.newFixedThreadPool(ahead, r -> {
            Thread t = new Thread(r, "atlas-import-parser");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Parse> parses = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                while (parses.size() < Math.min(files.size(), i + 1 + ahead)) {
                    parses.add(new Parse(files.get(parses.size()), options, parsers));
                }
                Path file = files.get(i);
                Parse parse = parses.get(i);
                parses.set(i, null); // its rows are not kept once written
                long t0 = System.nanoTime();
                FileOutcome outcome;
                try {
                    listener.fileStarted(file, Files.size(file), i, files.size());
                    ParsedFile parsed = parse.await(listener);
                    IngestResult r = new Ingestor(store, revise).ingest(parsed, options.format().id(), options.fillGaps());
                    outcome = new FileOutcome(file, parsed.rowsRead(), r.inserted(), r.present(), parsed.badRows(),
                            parsed.skipped(), parsed.reasons(), r.derived(), r.filled(), parsed.ignored(), null,
                            millisSince(t0), r.changedFrom(), r.revised(), r.revisions());
                    LOG.info("imported {}: {} rows read, {} inserted, {} present, {} bad, {} derived", file,
                            parsed.rowsRead(), r.inserted(), r.present(), parsed.badRows(), r.derived());
                } catch (ImportException | StoreException e) {
                    outcome = new FileOutcome(file, 0, 0, 0, 0, List.of(), java.util.Map.of(), 0, 0, 0, e.getMessage(),
                            millisSince(t0), Long.MAX_VALUE, 0, List.of());
                } catch (java.io.InterruptedIOException e) {
                    // not this file's fault: the job stops, and the files not imported are not reported as refused
                    throw new java.util.concurrent.CancellationException("the import was interrupted after " + i
                            + " of " + files.size() + " files");
                } catch (IOException e) {
                    outcome = new FileOutcome(file, 0, 0, 0, 0, List.of(), java.util.Map.of(), 0, 0, 0,
                            file + ": cannot read: " + e.getMessage() + (e instanceof java.io.EOFException
                                    || e instanceof java.util.zip.ZipException ? " (the compressed file is cut short "
                                    + "or damaged: download it again)" : ""), millisSince(t0), Long.MAX_VALUE, 0, List.of());
                }
                outcomes.add(outcome);
                listener.fileDone(outcome);
            }
        } finally {
            if (parsers != null) {
                parsers.shutdownNow();
            }
        }
        return new Summary(outcomes, millisSince(start));
    }

    /** One file being parsed on a parser thread; its progress is handed to the listener on the importing thread. */
    private static final class Parse {
        private final AtomicLong bytes = new AtomicLong();
        private final Path file;
        private final ImportOptions options;
        private final Future<ParsedFile> result;

        /** Parsing on {@code parsers}, or on the calling thread in {@link #await} when null. */
        Parse(Path file, ImportOptions options, ExecutorService parsers) {
            this.file = file;
            this.options = options;
            result = parsers == null ? null : parsers.submit(() -> Parsers.parse(file, options, bytes::set));
        }

        ParsedFile await(Listener listener) throws IOException {
            if (result == null) {
                return Parsers.parse(file, options, listener::bytesRead);
            }
            try {
                while (true) {
                    try {
                        ParsedFile parsed = result.get(200, TimeUnit.MILLISECONDS);
                        listener.bytesRead(bytes.get());
                        return parsed;
                    } catch (TimeoutException e) {
                        listener.bytesRead(bytes.get());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.cancel(true);
                throw new java.io.InterruptedIOException("interrupted while parsing");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof ImportException ie) {
                    throw ie;
                }
                if (cause instanceof IOException io) {
                    throw io;
                }
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(cause);
            }
        }
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000L;
    }
}
