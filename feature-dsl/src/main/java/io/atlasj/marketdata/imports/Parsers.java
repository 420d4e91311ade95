package io.atlasj.marketdata.imports;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/** The entry point to the format readers. */
public final class Parsers {
    private Parsers() {
    }

    /**
     * Reads and validates {@code file} in {@code options.format()}.
     *
     * @param progress receives the bytes of the file read so far
     * @throws ImportException when the file is rejected (bad rows without {@code --skip-bad-rows}, missing options)
     */
    public static ParsedFile parse(Path file, ImportOptions options, LongConsumer progress) throws IOException {
        return FileParser.of(options.format()).parse(file, options, progress);
    }
}
