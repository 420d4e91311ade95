package io.atlasj.trainer.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files travel in chunks below Artery's frame limit, arrive whole or not at all, and only from the served folders. */
class FileServerTest {
    @TempDir
    Path dir;

    @Test
    void aFileLargerThanManyChunksArrivesByteForByteAndNothingOutsideTheServedFoldersIsServed() throws Exception {
        Path home = dir.resolve("home");
        byte[] data = new byte[FileServer.CHUNK * 3 + 12_345];
        new Random(7).nextBytes(data);
        Path source = home.resolve("cache/featuresets/abc/matrix.arrow");
        Files.createDirectories(source.getParent());
        Files.write(source, data);
        Files.writeString(home.resolve("secret.txt"), "not for the cluster");

        ActorSystem<FileServer.Command> system = ActorSystem.create(FileServer.create(home), "files",
                ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING"));
        try {
            Path target = dir.resolve("other-home/cache/featuresets/abc/matrix.arrow");
            FileServer.fetch(system, system, "cache/featuresets/abc/matrix.arrow", target, Duration.ofSeconds(10));
            assertThat(Files.readAllBytes(target)).isEqualTo(data);
            assertThat(FileServer.list(system, system, "cache/featuresets/abc", Duration.ofSeconds(10)))
                    .containsExactly("matrix.arrow");

            Path stolen = dir.resolve("stolen.txt");
            assertThatThrownBy(() -> FileServer.fetch(system, system, "secret.txt", stolen, Duration.ofSeconds(10)))
                    .isInstanceOf(IOException.class).hasMessageContaining("not served");
            assertThatThrownBy(() -> FileServer.fetch(system, system, "runs/../secret.txt", stolen, Duration.ofSeconds(10)))
                    .isInstanceOf(IOException.class).hasMessageContaining("not served");
            assertThatThrownBy(() -> FileServer.fetch(system, system, "runs/none/result.json", stolen,
                    Duration.ofSeconds(10))).isInstanceOf(IOException.class);
            assertThat(stolen).doesNotExist();
            try (var leftovers = Files.list(dir)) {
                assertThat(leftovers.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
            }
        } finally {
            system.terminate();
        }
    }
}
