package io.livestream.ingest;

import io.livestream.common.LogField;
import io.livestream.common.bus.Addresses;
import io.livestream.common.bus.MediaEvent;
import io.livestream.common.bus.MediaSnapshot;
import io.livestream.common.registry.StreamInfo;
import io.livestream.media.GopCache;
import io.livestream.media.MediaPacket;
import io.livestream.media.flv.ScriptTags;
import io.livestream.media.codec.AudioFormat;
import io.livestream.media.codec.VideoFormat;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One publisher's run of one stream (an epoch): numbers its packets, keeps what a late
 * subscriber needs (metadata, sequence headers, current GOP), publishes every packet on
 * {@code media.<stream>}, and answers snapshot requests. Confined to the ingest event loop.
 */
public final class PublishSession {
    private static final System.Logger LOG = System.getLogger(PublishSession.class.getName());

    private final String name;
    private final long epoch;
    private final boolean privateStream;
    private final long startedAt;
    private final Publisher publisher;
    private final EventBus bus;
    private final String mediaAddress;
    private final GopCache<MediaPacket> gop;
    private final MessageConsumer<Object> snapshotConsumer;
    private final Counter bytesCounter;
    private final Counter videoFramesCounter;
    private final Consumer<PublishSession> onInfoChanged;
    private final Consumer<PublishSession> onWake;
    private final StreamHealth health;

    private long seq;
    private long bytesIn;
    private long videoFrames;
    private long lastActivityNanos = System.nanoTime();
    private StreamInfo.Video video = StreamInfo.Video.NONE;
    private StreamInfo.Audio audio = StreamInfo.Audio.NONE;
    private boolean ended;
    private long measuredBitrate;
    private double measuredFps;
    /** Marked silent in its claim: packets are held back until the claim is confirmed again. */
    private boolean held;
    private boolean wakeAsked;
    private long droppedWhileHeld;
    private SessionTap tap = SessionTap.NONE;

    PublishSession(String name, long epoch, boolean privateStream, Publisher publisher, EventBus bus, int gopMaxPackets, long gopMaxBytes,
                   Counter bytesCounter, Counter videoFramesCounter, Consumer<PublishSession> onInfoChanged, Consumer<PublishSession> onWake,
                   StreamHealth health) {
        this.health = health;
        this.bytesCounter = bytesCounter;
        this.videoFramesCounter = videoFramesCounter;
        this.onInfoChanged = onInfoChanged;
        this.onWake = onWake;
        this.name = name;
        this.epoch = epoch;
        this.privateStream = privateStream;
        this.startedAt = System.currentTimeMillis();
        this.publisher = publisher;
        this.bus = bus;
        this.mediaAddress = Addresses.media(name);
        this.gop = new GopCache<>(Function.identity(), gopMaxPackets, gopMaxBytes);
        this.snapshotConsumer = bus.consumer(Addresses.snapshot(name), request -> request.reply(snapshot()));
    }

    public String name() {
        return name;
    }

    public long epoch() {
        return epoch;
    }

    public Publisher publisher() {
        return publisher;
    }

    public boolean ended() {
        return ended;
    }

    /** What sees this session's packets besides the event bus (its recording), from the next packet on. */
    void tap(SessionTap tap) {
        this.tap = tap;
    }

    /**
     * Takes one packet from the publisher and puts it on the event bus. A tag whose codec this server
     * does not know (an Enhanced RTMP FourCC outside the spec's) or whose enhanced header cannot be read
     * throws {@link io.livestream.media.rtmp.RtmpProtocolException} ({@code unsupported-codec},
     * {@code bad-media-header}): the publish is refused, nothing of it relayed.
     */
    public void push(MediaPacket packet) {
        if (ended) {
            return;
        }
        lastActivityNanos = System.nanoTime();
        if (held) {
            // the claim says this publisher is silent, so another node may be taking the stream over
            droppedWhileHeld++;
            if (!wakeAsked) {
                wakeAsked = true;
                onWake.accept(this);
            }
            return;
        }
        MediaCheck.requireKnownCodec(packet);
        bytesIn += packet.size();
        health.packet(packet);
        bytesCounter.increment(packet.size());
        if (packet.kind() == MediaPacket.Kind.VIDEO && !packet.isVideoSequenceHeader()) {
            videoFrames++;
            videoFramesCounter.increment();
        }
        if (packet.isVideoSequenceHeader()) {
            video = describeVideo(packet);
            onInfoChanged.accept(this);
        } else if (packet.isAudioSequenceHeader()) {
            audio = describeAudio(packet);
            onInfoChanged.accept(this);
        }
        gop.add(packet);
        bus.publish(mediaAddress, new MediaEvent.Packet(epoch, ++seq, packet));
        tap.packet(packet);
        if (packet.isKeyframe()) {
            // when this keyframe reached the platform, so that players and benchmarks can measure delay
            MediaPacket clock = ScriptTags.clock(packet.timestamp(), System.currentTimeMillis());
            gop.add(clock);
            bus.publish(mediaAddress, new MediaEvent.Packet(epoch, ++seq, clock));
            tap.packet(clock);
        }
    }

    /** Marks the publisher alive without media (a ping, a command). */
    public void touch() {
        lastActivityNanos = System.nanoTime();
    }

    /**
     * True while the claim marks this publisher silent: its packets are dropped, and the first one
     * asks for the claim to be renewed as active; false once it has been.
     */
    void hold(boolean silent) {
        if (held && !silent && droppedWhileHeld > 0) {
            LOG.log(System.Logger.Level.INFO, "stream {0}: publisher back after a silence; {1} packets dropped while its claim was confirmed",
                    LogField.stream(name), droppedWhileHeld);
        }
        held = silent;
        wakeAsked = false;
        droppedWhileHeld = 0;
    }

    /** True while the claim marks this publisher silent (another node may have taken the stream over). */
    boolean held() {
        return held;
    }

    public long nanosSinceActivity() {
        return System.nanoTime() - lastActivityNanos;
    }

    public MediaSnapshot snapshot() {
        return new MediaSnapshot(epoch, seq, gop.snapshot());
    }

    public long bytesIn() {
        return bytesIn;
    }

    public long videoFrames() {
        return videoFrames;
    }

    /** Bitrate and frame rate the owner measured over its last renewal period. */
    void measured(long bitrateBps, double fps) {
        this.measuredBitrate = bitrateBps;
        this.measuredFps = fps;
    }

    /** What the registry shows of this session. */
    StreamInfo info(String node) {
        StreamInfo.Video v = video;
        if (v.fps() == 0 && measuredFps > 0 && v != StreamInfo.Video.NONE) {
            v = v.withFps(Math.round(measuredFps * 100) / 100.0);
        }
        return new StreamInfo(name, node, epoch, startedAt, v, audio, measuredBitrate, privateStream, publisher.address());
    }

    /** Ends the session once: subscribers are told, the snapshot address goes away. */
    void end(String reason) {
        if (ended) {
            return;
        }
        ended = true;
        gop.clear();
        snapshotConsumer.unregister();
        bus.publish(mediaAddress, new MediaEvent.Ended(epoch, reason));
        tap.ended();
    }

    private StreamInfo.Video describeVideo(MediaPacket packet) {
        try {
            VideoFormat f = VideoFormat.of(packet.payload());
            return new StreamInfo.Video(f.codec(), f.profile(), f.width(), f.height(), f.fps(), f.codecString());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "stream {0}: unreadable video sequence header: {1}", LogField.stream(name), e.getMessage());
            return StreamInfo.Video.NONE;
        }
    }

    private StreamInfo.Audio describeAudio(MediaPacket packet) {
        try {
            AudioFormat f = AudioFormat.of(packet.payload());
            return new StreamInfo.Audio(f.codec(), f.sampleRate(), f.channels(), f.codecString());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "stream {0}: unreadable audio sequence header: {1}", LogField.stream(name), e.getMessage());
            return StreamInfo.Audio.NONE;
        }
    }
}
