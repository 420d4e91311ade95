package io.atlasj.trainer.cluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Serves files under a node's {@code ATLAS_HOME} ({@code cache/featuresets} and {@code runs} only) in chunks, so large
 * payloads (a featureset's Arrow file, a result's model files) travel by reference and never as one large message
 * (Artery's frame limit is 256 KiB). {@link #fetch} pulls a file chunk by chunk and renames it into place when
 * complete.
 */
public final class FileServer {
    /** Bytes per chunk: well under Artery's 256 KiB frame. */
    public static final int CHUNK = 128 * 1024;
    private static final List<String> SERVED = List.of("cache/featuresets/", "runs/");

    public sealed interface Command extends CborSerializable {
    }

    /** Asks for up to {@code max} bytes of {@code path} (relative to the home) from {@code offset}. */
    public record ReadChunk(String path, long offset, int max, ActorRef<Chunk> replyTo) implements Command {
    }

    /** Asks for the names of the regular files in a folder. */
    public record ListFiles(String path, ActorRef<Listing> replyTo) implements Command {
    }

    /** @param error why nothing could be read, or null */
    public record Chunk(String path, long offset, byte[] data, long size, String error) implements CborSerializable {
    }

    public record Listing(String path, List<String> names, String error) implements CborSerializable {
    }

    private FileServer() {
    }

    public static Behavior<Command> create(Path home) {
        Path root = home.toAbsolutePath().normalize();
        return Behaviors.receive(Command.class)
                .onMessage(ReadChunk.class, m -> {
                    m.replyTo().tell(read(root, m));
                    return Behaviors.same();
                })
                .onMessage(ListFiles.class, m -> {
                    m.replyTo().tell(list(root, m.path()));
                    return Behaviors.same();
                })
                .build();
    }

    private static Path resolve(Path root, String rel) {
        Path p = root.resolve(rel).normalize();
        String r = root.relativize(p).toString().replace('\\', '/') + "/";
        if (!p.startsWith(root) || SERVED.stream().noneMatch(r::startsWith)) {
            throw new IllegalArgumentException("not served: " + rel);
        }
        return p;
    }

    private static Chunk read(Path root, ReadChunk m) {
        try {
            Path p = resolve(root, m.path());
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
                long size = f.length();
                int n = (int) Math.max(0, Math.min(Math.min(m.max(), CHUNK), size - m.offset()));
                byte[] data = new byte[n];
                f.seek(m.offset());
                f.readFully(data);
                return new Chunk(m.path(), m.offset(), data, size, null);
            }
        } catch (IOException | RuntimeException e) {
            return new Chunk(m.path(), m.offset(), new byte[0], -1, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static Listing list(Path root, String rel) {
        try (Stream<Path> s = Files.list(resolve(root, rel))) {
            return new Listing(rel, s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList(),
                    null);
        } catch (IOException | RuntimeException e) {
            return new Listing(rel, List.of(), e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * Copies {@code path} from {@code server} to {@code target}: chunks into a temporary file beside it, renamed into
     * place when every byte arrived. Blocking: call it from a slot's thread, never from an actor.
     */
    public static void fetch(ActorSystem<?> system, ActorRef<Command> server, String path, Path target, Duration timeout)
            throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        try (var out = Files.newOutputStream(tmp)) {
            long offset = 0;
            while (true) {
                long at = offset;
                Chunk c = await(AskPattern.ask(server, (ActorRef<Chunk> r) -> new ReadChunk(path, at, CHUNK, r), timeout,
                        system.scheduler()), timeout, path);
                if (c.error() != null) {
                    throw new IOException("cannot fetch " + path + ": " + c.error());
                }
                out.write(c.data());
                offset += c.data().length;
                if (offset >= c.size()) {
                    break;
                }
                if (c.data().length == 0) {
                    throw new IOException("cannot fetch " + path + ": the file shrank while it was read");
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The files of a remote folder. */
    public static List<String> list(ActorSystem<?> system, ActorRef<Command> server, String path, Duration timeout)
            throws IOException {
        Listing l = await(AskPattern.ask(server, (ActorRef<Listing> r) -> new ListFiles(path, r), timeout,
                system.scheduler()), timeout, path);
        if (l.error() != null) {
            throw new IOException("cannot list " + path + ": " + l.error());
        }
        return l.names();
    }

    private static <T> T await(CompletionStage<T> s, Duration timeout, String path) throws IOException {
        try {
            return s.toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + path, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("no answer from the node serving " + path + " within " + timeout + ": " + e, e);
        }
    }
}
