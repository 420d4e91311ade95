package io.atlasj.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A durable write replaces its target whole or not at all, and leaves no temporary file either way. */
class DurableTest {
    @TempDir
    Path dir;

    private long temporaries() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
        }
    }

    @Test
    void aWriteReplacesItsTargetWholeAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("result.json");
        Durable.write(target, "{\"a\":1}".getBytes());
        Durable.replace(target, tmp -> Files.writeString(tmp, "{\"a\":2}"));
        assertThat(Files.readString(target)).isEqualTo("{\"a\":2}");
        assertThat(temporaries()).isZero();
    }

    @Test
    void aWriteThatFailsLeavesTheOldTargetAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("result.json");
        Durable.write(target, "old".getBytes());
        for (boolean flush : new boolean[] {true, false}) {
            Durable.Writer failing = tmp -> {
                Files.writeString(tmp, "half");
                throw new IOException("disk full");
            };
            assertThatThrownBy(() -> {
                if (flush) {
                    Durable.write(target, failing);
                } else {
                    Durable.replace(target, failing);
                }
            }).hasMessage("disk full");
            assertThat(Files.readString(target)).isEqualTo("old");
            assertThat(temporaries()).isZero();
        }
    }
}
