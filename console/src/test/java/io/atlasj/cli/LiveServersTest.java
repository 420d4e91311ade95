package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@code atlas live start --ws-url} and {@code --rest-url} name the server of each of Binance's APIs. */
class LiveServersTest {
    @Test
    void aBareUrlServesEveryApiAndApiEqualsUrlOneOfThem() {
        assertThat(LiveCommand.Start.servers("--ws-url", List.of("ws://127.0.0.1:9443")))
                .isEqualTo(Map.of("", URI.create("ws://127.0.0.1:9443")));
        assertThat(LiveCommand.Start.servers("--rest-url", List.of("spot=http://127.0.0.1:1", "CM=http://h:2/x")))
                .isEqualTo(Map.of("spot", URI.create("http://127.0.0.1:1"), "cm", URI.create("http://h:2/x")));
        // a URL whose query holds '=' is a bare URL, not an API's
        assertThat(LiveCommand.Start.servers("--rest-url", List.of("http://h:2/api?key=v")))
                .isEqualTo(Map.of("", URI.create("http://h:2/api?key=v")));
        assertThat(LiveCommand.Start.servers("--ws-url", List.of())).isEmpty();
    }

    @Test
    void aServerGivenTwiceOrNotAUrlIsRefused() {
        assertThatThrownBy(() -> LiveCommand.Start.servers("--ws-url", List.of("um=ws://a:1", "um=ws://b:2")))
                .hasMessage("--ws-url is given twice for um");
        assertThatThrownBy(() -> LiveCommand.Start.servers("--ws-url", List.of("spot=localhost:9443")))
                .hasMessageContaining("--ws-url spot=localhost:9443: give a URL with its scheme and host");
    }
}
