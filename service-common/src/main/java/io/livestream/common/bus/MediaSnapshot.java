package io.livestream.common.bus;

import io.livestream.media.MediaPacket;

import java.util.List;

/**
 * What a late subscriber needs to start on a keyframe: metadata, sequence headers and the
 * current GOP, as of packet {@code lastSeq} of session {@code epoch}.
 */
public record MediaSnapshot(long epoch, long lastSeq, List<MediaPacket> packets) {
}
