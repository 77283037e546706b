package io.livestream.ingest;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The queries an encoder can put in connect's app and publish's stream key. */
class PublishQueryTest {

    @Test
    void aPlainAppAndKeyCarryNoTokenAndArePublic() {
        PublishQuery.Connect connect = PublishQuery.Connect.of(Map.of("app", "live"));
        assertThat(connect).isEqualTo(new PublishQuery.Connect("live", null, false));
        assertThat(PublishQuery.Publish.of("show", connect)).isEqualTo(new PublishQuery.Publish("show", null, false));
    }

    @Test
    void theAppIsMatchedWithOrWithoutTrailingSlashesAndWithoutItsQuery() {
        assertThat(PublishQuery.Connect.of(Map.of("app", "live/")).isApp("live")).isTrue();
        assertThat(PublishQuery.Connect.of(Map.of("app", "live//?token=t")).isApp("live")).isTrue();
        assertThat(PublishQuery.Connect.of(Map.of("app", "vod")).isApp("live")).isFalse();
    }

    @Test
    void aMissingOrNonStringAppReadsAsEmpty() {
        assertThat(PublishQuery.Connect.of(null).app()).isEmpty();
        assertThat(PublishQuery.Connect.of(Map.of("app", 3.0)).app()).isEmpty();
    }

    @Test
    void theKeysTokenWinsOverTheAppsAndIsUrlDecoded() {
        PublishQuery.Connect connect = PublishQuery.Connect.of(Map.of("app", "live?token=from-app"));
        assertThat(PublishQuery.Publish.of("show?token=a%2Bb", connect).token()).isEqualTo("a+b");
        assertThat(PublishQuery.Publish.of("show?private=1", connect).token()).isEqualTo("from-app");
        assertThat(PublishQuery.Publish.of("show", connect).token()).isEqualTo("from-app");
    }

    @Test
    void eitherQueryMakesTheStreamPrivate() {
        PublishQuery.Connect plain = PublishQuery.Connect.of(Map.of("app", "live"));
        PublishQuery.Connect privateApp = PublishQuery.Connect.of(Map.of("app", "live?token=t&private=1"));
        assertThat(PublishQuery.Publish.of("show?token=t&private=1", plain).privateStream()).isTrue();
        assertThat(PublishQuery.Publish.of("show?token=t", privateApp).privateStream()).isTrue();
        assertThat(PublishQuery.Publish.of("show?token=t&private=0", plain).privateStream()).isFalse();
        assertThat(PublishQuery.Publish.of("show?token=t", privateApp).stream()).isEqualTo("show");
    }

    @Test
    void aParameterIsFoundByItsWholeName() {
        assertThat(PublishQuery.param("xtoken=a&token=b", "token")).isEqualTo("b");
        assertThat(PublishQuery.param("token", "token")).isNull();
        assertThat(PublishQuery.param("=a&b=", "b")).isEmpty();
    }
}
