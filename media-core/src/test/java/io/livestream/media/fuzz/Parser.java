package io.livestream.media.fuzz;

import io.livestream.media.MediaPacket;
import io.livestream.media.amf.Amf0;
import io.livestream.media.amf.Amf0Exception;
import io.livestream.media.codec.AacConfig;
import io.livestream.media.codec.AudioFormat;
import io.livestream.media.codec.AvcDecoderConfig;
import io.livestream.media.codec.CodecConfigException;
import io.livestream.media.codec.SendTimeSei;
import io.livestream.media.codec.VideoFormat;
import io.livestream.media.flv.AudioTagHeader;
import io.livestream.media.flv.FlvFormatException;
import io.livestream.media.flv.FlvReader;
import io.livestream.media.flv.VideoTagHeader;
import io.livestream.media.rtmp.ChunkDecoder;
import io.livestream.media.rtmp.HandshakeServer;
import io.livestream.media.rtmp.RtmpLimits;
import io.livestream.media.rtmp.RtmpMessage;
import io.livestream.media.rtmp.RtmpProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Every parser of media-core, driven the same way by the fuzzer and the regression corpus: hostile
 * bytes in, and nothing but the parser's typed exception may come out. Limits hold before allocation:
 * the chunk decoder runs with a 64 KiB message limit and a 128 KiB bound on unfinished messages and
 * the FLV reader with a 4 KiB tag limit, and neither may build or hold anything larger. {@link #corpus} names the parser's directory under
 * {@code src/test/resources/fuzz-corpus/}.
 */
enum Parser {
    AMF0("amf0") {
        @Override
        void parse(byte[] input) {
            try {
                Amf0.decodeAll(Unpooled.wrappedBuffer(input));
            } catch (Amf0Exception expected) {
                // a clear, typed refusal
            }
        }
    },
    CHUNK_STREAM("chunk-stream") {
        @Override
        void parse(byte[] input) {
            ChunkDecoder decoder = new ChunkDecoder(new RtmpLimits(RtmpLimits.SPEC_MAX_CHUNK_SIZE, MAX_MESSAGE, 8, MAX_PARTIAL));
            try {
                // fed in two pieces: parsing must not depend on where the bytes were cut
                ByteBuf in = Unpooled.buffer();
                int cut = input.length / 2;
                in.writeBytes(input, 0, cut);
                decoder.decode(in, Parser::assertSmall);
                assertHeldWithinBound(decoder);
                in.writeBytes(input, cut, input.length - cut);
                decoder.decode(in, Parser::assertSmall);
                assertHeldWithinBound(decoder);
            } catch (RtmpProtocolException expected) {
                // a named reason, the connection gets closed
            }
        }
    },
    HANDSHAKE("handshake") {
        @Override
        void parse(byte[] input) {
            try {
                new HandshakeServer().feed(Unpooled.wrappedBuffer(input), Unpooled.buffer());
            } catch (RtmpProtocolException expected) {
                // bad version: refused by name
            }
        }
    },
    FLV("flv") {
        @Override
        void parse(byte[] input) {
            try {
                new FlvReader(MAX_TAG).feed(Unpooled.wrappedBuffer(input), p -> {
                    if (p.size() > MAX_TAG) {
                        throw new AssertionError("a tag over the limit was built: " + p.size());
                    }
                });
            } catch (FlvFormatException expected) {
                // a clear, typed refusal
            }
        }
    },
    AVC("avc") {
        @Override
        void parse(byte[] input) {
            try {
                AvcDecoderConfig.parse(input);
            } catch (CodecConfigException expected) {
                // unreadable: the stream is listed without a resolution
            }
        }
    },
    AAC("aac") {
        @Override
        void parse(byte[] input) {
            try {
                AacConfig.parse(input);
            } catch (CodecConfigException expected) {
                // unreadable: the stream is listed without its audio details
            }
        }
    },
    VIDEO_TAG("video-tag") {
        @Override
        void parse(byte[] input) {
            // what relays ask of every packet may not throw at all
            MediaPacket p = MediaPacket.video(0, input);
            boolean ignored = p.isKeyframe() | p.isVideoSequenceHeader() | p.isEndOfSequence() | p.isVideoMetadata() | p.isSequenceHeader();
            try {
                VideoTagHeader.parse(input);
            } catch (FlvFormatException expected) {
                // the ingest refuses the publish by name
            }
            try {
                VideoFormat.of(input); // HEVC, AV1, VP9/VP8 and AVC records behind legacy and enhanced headers
            } catch (CodecConfigException expected) {
                // unreadable: the stream is listed without a resolution
            }
        }
    },
    AUDIO_TAG("audio-tag") {
        @Override
        void parse(byte[] input) {
            boolean ignored = MediaPacket.audio(0, input).isAudioSequenceHeader();
            try {
                AudioTagHeader.parse(input);
            } catch (FlvFormatException expected) {
                // the ingest refuses the publish by name
            }
            try {
                AudioFormat.of(input);
            } catch (CodecConfigException expected) {
                // unreadable: the stream is listed without its audio details
            }
        }
    },
    SEND_TIME_SEI("sei") {
        @Override
        void parse(byte[] input) {
            SendTimeSei.read(input, 4); // a viewer reads what any server sent: it may not throw at all
            try {
                SendTimeSei.insert(input, 4, 1L);
            } catch (CodecConfigException expected) {
                // the publisher refuses a frame it cannot walk
            }
        }
    };

    static final int MAX_MESSAGE = 64 * 1024;
    /** Two messages at the length limit: eight chunk streams announcing it and sending more than a quarter each pass it. */
    static final int MAX_PARTIAL = 2 * MAX_MESSAGE;
    static final int MAX_TAG = 4096;

    final String corpus;

    Parser(String corpus) {
        this.corpus = corpus;
    }

    /** Parses {@code input}; throws only when the parser let through something other than its typed exception, or broke a limit. */
    abstract void parse(byte[] input);

    private static void assertHeldWithinBound(ChunkDecoder decoder) {
        if (decoder.heldBytes() > MAX_PARTIAL) {
            throw new AssertionError("unfinished messages hold " + decoder.heldBytes() + " bytes, over the bound");
        }
    }

    private static void assertSmall(RtmpMessage m) {
        int size = m instanceof RtmpMessage.Video v ? v.payload().length
                : m instanceof RtmpMessage.Audio a ? a.payload().length
                : m instanceof RtmpMessage.Unknown u ? u.payload().length : 0;
        if (size > MAX_MESSAGE) {
            throw new AssertionError("a message over the limit was built: " + size);
        }
    }
}
