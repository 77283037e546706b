package io.livestream.common.bus;

import io.livestream.media.MediaPacket;

/**
 * What travels on {@link Addresses#media(String)}. Within one publishing session (an
 * {@code epoch}) packets carry consecutive sequence numbers, so a subscriber that merges a
 * snapshot with live packets can drop the ones it already has.
 */
public sealed interface MediaEvent {

    long epoch();

    /** One media packet of a publishing session. */
    record Packet(long epoch, long seq, MediaPacket packet) implements MediaEvent {
    }

    /** The publisher of this session has gone (unpublished, disconnected or timed out). */
    record Ended(long epoch, String reason) implements MediaEvent {
    }
}
