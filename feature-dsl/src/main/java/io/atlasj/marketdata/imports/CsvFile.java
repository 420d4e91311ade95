package io.atlasj.marketdata.imports;

import de.siegmar.fastcsv.reader.CommentStrategy;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.RecordWrapper;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.LongConsumer;

/**
 * The records of a CSV file through FastCSV (RFC 4180: quoted fields, quotes inside quotes, line breaks inside
 * quotes), plain or gzip, with a UTF-8 byte-order mark dropped and the delimiter told from the first line: the most
 * frequent of {@code , ; tab |} outside quotes (a comma when none occurs), unless one is given ({@code --delimiter}). Blank lines (empty or only spaces) are skipped. A file that is
 * not CSV (an unclosed quote, a field over FastCSV's size limit) is refused with the line where it stops.
 */
final class CsvFile implements Closeable, Iterable<CsvFile.Record> {
    /**
     * One record: its first line in the file and its fields, a view of the reader's buffer that the next record
     * replaces (copy it to keep it).
     */
    record Record(long line, List<String> fields) {
    }

    private static final int MAX_FIELDS = 16_384;
    private static final int MAX_RECORD_CHARS = 64 * 1024 * 1024;

    /** Collects a record's fields into one reused {@link CsvFields}, never a String per field. */
    private static final class FieldsHandler extends AbstractBaseCsvCallbackHandler<CsvFields> {
        private final CsvFields fields = new CsvFields();

        @Override
        protected void handleBegin(long startingLineNumber) {
            fields.startRecord();
        }

        @Override
        protected void handleField(int fieldIdx, char[] buf, int offset, int len, boolean quoted) {
            // FastCSV's own record limits (its record handlers apply them; a callback handler must)
            if (fields.size() >= MAX_FIELDS) {
                throw new CsvParseException("a record of more than " + MAX_FIELDS + " fields");
            }
            if (fields.chars() + len > MAX_RECORD_CHARS) {
                throw new CsvParseException("a record of more than " + MAX_RECORD_CHARS + " characters");
            }
            fields.addField(buf, offset, len);
        }

        @Override
        protected RecordWrapper<CsvFields> buildRecord() {
            return wrapRecord(fields);
        }

        long line() {
            return getStartingLineNumber();
        }
    }

    private static final char[] DELIMITERS = {',', ';', '\t', '|'};
    private final Path file;
    private final CsvReader<CsvFields> reader;
    private final FieldsHandler handler = new FieldsHandler();

    CsvFile(Path file, LongConsumer progress) throws IOException {
        this(file, progress, null);
    }

    /** As {@link #CsvFile(Path, LongConsumer)}, with {@code delimiter} when not null instead of the one told. */
    CsvFile(Path file, LongConsumer progress, Character delimiter) throws IOException {
        this.file = file;
        BufferedReader in = InputFiles.open(file, progress);
        in.mark(1 << 20);
        // the delimiter is told from the first line that has one: a title line above the header has none
        String first = "";
        int looked = 0;
        for (String line = in.readLine(); line != null && looked < 4; line = in.readLine()) {
            if (!line.isBlank()) {
                first = first.isEmpty() || !hasDelimiter(first) ? line : first;
                looked++;
                if (hasDelimiter(line)) {
                    break;
                }
            }
        }
        in.reset();
        in.mark(1);
        if (in.read() != '\uFEFF') {
            in.reset();
        }
        if (!first.isEmpty() && first.charAt(0) == '\uFEFF') {
            first = first.substring(1);
        }
        this.reader = CsvReader.builder().fieldSeparator(delimiter != null ? delimiter : delimiterOf(first)).quoteCharacter('"')
                .commentStrategy(CommentStrategy.NONE).skipEmptyLines(true).ignoreDifferentFieldCount(true)
                .build(handler, in);
    }

    private static boolean hasDelimiter(String line) {
        for (char d : DELIMITERS) {
            if (line.indexOf(d) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** The delimiter of a line: the most frequent candidate outside double quotes, else a comma. */
    static char delimiterOf(String line) {
        int[] counts = new int[DELIMITERS.length];
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted) {
                for (int d = 0; d < DELIMITERS.length; d++) {
                    counts[d] += c == DELIMITERS[d] ? 1 : 0;
                }
            }
        }
        int best = 0;
        for (int d = 1; d < DELIMITERS.length; d++) {
            best = counts[d] > counts[best] ? d : best;
        }
        return DELIMITERS[best];
    }

    @Override
    public Iterator<Record> iterator() {
        Iterator<CsvFields> it = reader.iterator();
        return new Iterator<>() {
            private long lastLine;

            private Record next;

            @Override
            public boolean hasNext() {
                try {
                    while (next == null && it.hasNext()) {
                        CsvFields f = it.next();
                        lastLine = handler.line();
                        if (f.size() > 1 || !f.isBlank(0)) { // a line of spaces is as blank as an empty one
                            next = new Record(lastLine, f);
                        }
                    }
                    return next != null;
                } catch (CsvParseException | UncheckedIOException e) {
                    throw refused(e);
                }
            }

            @Override
            public Record next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Record r = next;
                next = null;
                return r;
            }

            private RuntimeException refused(RuntimeException e) {
                if (e instanceof UncheckedIOException io && !(io.getCause() instanceof java.nio.charset.CharacterCodingException)) {
                    return io;
                }
                String why = e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage());
                return new ImportException(file, List.of(new RowProblem(lastLine + 1, null,
                        "not readable as CSV after line " + lastLine + ": " + why)), 1,
                        "check the file's quoting and line lengths (is it really CSV?)");
            }
        };
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
