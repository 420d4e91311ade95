package io.atlasj.workspec.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The build's stamp: present in a build from a checkout, and unknown (never a failure) without one. */
class BuildInfoTest {
    @Test
    void aBuildFromAGitCheckoutKnowsItsVersionAndCommit() throws Exception {
        BuildInfo b = BuildInfo.current();
        assertThat(b.version()).isNotEqualTo("development").endsWith("-SNAPSHOT");
        boolean checkout = new ProcessBuilder("git", "rev-parse", "HEAD").start().waitFor() == 0;
        if (checkout) {
            String head = new String(new ProcessBuilder("git", "rev-parse", "HEAD").start().getInputStream()
                    .readAllBytes(), StandardCharsets.UTF_8).trim();
            // the commit this module was built from: HEAD unless a commit came between build and test
            assertThat(b.commit()).matches("[0-9a-f]{40}");
            assertThat(b.commit()).isEqualTo(head);
            assertThat(b.dirty()).isIn("true", "false");
        }
    }

    @Test
    void aMissingOrUnfilledStampReadsAsUnknown() {
        assertThat(BuildInfo.load(null)).isEqualTo(new BuildInfo("development", "unknown", "unknown"));
        BuildInfo b = BuildInfo.load(new ByteArrayInputStream("version=1.2.0\ncommit=\ndirty=${x}\n"
                .getBytes(StandardCharsets.UTF_8)));
        assertThat(b).isEqualTo(new BuildInfo("1.2.0", "unknown", "unknown"));
        assertThat(new BuildInfo("1", "0123456789abcdef0123", "true").shortCommit()).isEqualTo("0123456789ab+changes");
    }
}
