package io.livestream.media.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The client protocol against media-core's own server side: handshake, commands out, pings and windows answered. */
class RtmpClientProtocolTest {
    private final RtmpClientProtocol client = new RtmpClientProtocol();
    private final HandshakeServer serverHandshake = new HandshakeServer();
    private final ChunkEncoder serverEncoder = new ChunkEncoder();
    private final ChunkDecoder serverDecoder = new ChunkDecoder(RtmpLimits.defaults());
    private final ByteBuf toServer = Unpooled.buffer();
    private final ByteBuf toClient = Unpooled.buffer();
    private final List<RtmpMessage> atClient = new ArrayList<>();

    private void handshake() {
        client.start(toServer);
        assertThat(serverHandshake.feed(toServer, toClient)).isFalse();
        client.feed(toClient, toServer, atClient::add);
        assertThat(client.handshakeDone()).isTrue();
        assertThat(serverHandshake.feed(toServer, toClient)).as("C2 completes the server's side").isTrue();
    }

    private List<RtmpMessage> atServer() {
        List<RtmpMessage> got = new ArrayList<>();
        serverDecoder.decode(toServer, got::add);
        return got;
    }

    @Test
    void handshakeThenCommandsReachTheServerWithRisingTransactionIds() {
        handshake();
        client.send(RtmpCommands.connect(client.nextTransaction(), "live", "rtmp://h/live"), toServer);
        client.send(RtmpCommands.createStream(client.nextTransaction()), toServer);
        List<RtmpMessage> got = atServer();
        assertThat(got).extracting(m -> ((RtmpMessage.Command) m).name()).containsExactly("connect", "createStream");
        assertThat(got).extracting(m -> ((RtmpMessage.Command) m).transactionId()).containsExactly(1.0, 2.0);
    }

    @Test
    void aChunkSizeSentAppliesToTheMessagesAfterIt() {
        handshake();
        client.send(new RtmpMessage.SetChunkSize(4096), toServer);
        client.send(new RtmpMessage.Video(0, 1, new byte[3000]), toServer);
        assertThat(toServer.readableBytes()).as("Set Chunk Size (16) + one 12-byte header and 3000 bytes in one chunk")
                .isEqualTo(16 + 12 + 3000);
        assertThat(atServer()).hasSize(2);
    }

    @Test
    void aPingIsAnsweredAndTheServersWindowAcknowledged() {
        handshake();
        serverEncoder.encode(new RtmpMessage.WindowAckSize(100), toClient);
        serverEncoder.encode(new RtmpMessage.UserControl(RtmpMessage.UserControl.PING_REQUEST, 77, 0), toClient);
        serverEncoder.encode(RtmpCommands.onStatus(1, "status", RtmpClientProtocol.PUBLISH_START, "x is now published"), toClient);
        client.feed(toClient, toServer, atClient::add);

        RtmpMessage.Command status = (RtmpMessage.Command) atClient.get(atClient.size() - 1);
        assertThat(RtmpClientProtocol.isOnStatus(status)).isTrue();
        assertThat(RtmpClientProtocol.statusCode(status)).isEqualTo(RtmpClientProtocol.PUBLISH_START);
        assertThat(RtmpClientProtocol.infoField(status, "description")).isEqualTo("x is now published");
        List<RtmpMessage> answers = atServer();
        assertThat(answers.get(0)).isEqualTo(new RtmpMessage.UserControl(RtmpMessage.UserControl.PING_RESPONSE, 77, 0));
        assertThat(answers.get(1)).isInstanceOfSatisfying(RtmpMessage.Acknowledgement.class,
                ack -> assertThat(ack.sequenceNumber()).isGreaterThanOrEqualTo(100));
    }

    @Test
    void anAnswerMatchesItsTransactionOnly() {
        RtmpMessage.Command result = RtmpCommands.result(3, io.livestream.media.amf.Amf0.NULL, 1.0);
        assertThat(RtmpClientProtocol.isAnswer(result, 3)).isTrue();
        assertThat(RtmpClientProtocol.isAnswer(result, 4)).isFalse();
        assertThat(RtmpClientProtocol.isAnswer(RtmpCommands.error(4, java.util.Map.of("code", "NetConnection.Call.Failed")), 4)).isTrue();
    }
}
