package io.atlasj.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where tests find real data: fixtures on the test classpath, and the optional ../shared/data folder. */
public final class TestData {
    private TestData() {
    }

    /** A fixture under {@code src/test/resources/fixtures}. */
    public static Path fixture(String relative) {
        try {
            var url = TestData.class.getClassLoader().getResource("fixtures/" + relative);
            if (url == null) {
                throw new IllegalStateException("missing test fixture fixtures/" + relative);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A path under {@code ../shared/data}; the calling test is skipped (JUnit assumption) when the folder is absent,
     * as it is for users who cloned only the project.
     */
    public static Path shared(String relative) {
        String prop = System.getProperty("atlas.shared.data");
        Path root = prop != null ? Path.of(prop) : Path.of("../../shared/data");
        Path p = root.resolve(relative).normalize();
        assumeTrue(Files.exists(p), "../shared/data is absent (" + p + "): test skipped");
        return p;
    }
}
