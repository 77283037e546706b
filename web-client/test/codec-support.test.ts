import { describe, expect, it } from 'vitest';
import { browserTypeCheck, undecodableVideo } from '../src/player/codec-support';

describe('codec check before playing', () => {
  const onlyAv1AndH264 = (type: string) => /codecs="(av01|avc1)\./.test(type);

  it('names the codec this browser cannot decode', () => {
    expect(undecodableVideo({ video: { codec: 'hevc', codecString: 'hvc1.1.6.L93.B0' } }, onlyAv1AndH264)).toBe('HEVC (H.265)');
    expect(undecodableVideo({ video: { codec: 'vp9', codecString: 'vp09.00.10.08' } }, onlyAv1AndH264)).toBe('VP9');
  });

  it('lets decodable streams play', () => {
    expect(undecodableVideo({ video: { codec: 'av1', codecString: 'av01.0.04M.08' } }, onlyAv1AndH264)).toBeNull();
    expect(undecodableVideo({ video: { codec: 'h264', codecString: 'avc1.64001F' } }, onlyAv1AndH264)).toBeNull();
  });

  it('asks about fragmented MP4 with the exact codec string', () => {
    const asked: string[] = [];
    undecodableVideo({ video: { codec: 'av1', codecString: 'av01.0.00M.08' } }, (type) => { asked.push(type); return true; });
    expect(asked).toEqual(['video/mp4; codecs="av01.0.00M.08"']);
  });

  it('does not guess when there is nothing to check', () => {
    expect(undecodableVideo({ video: { codec: 'hevc', codecString: '' } }, () => false)).toBeNull();
    expect(undecodableVideo(undefined, () => false)).toBeNull();
    expect(undecodableVideo({ video: { codec: 'hevc', codecString: 'hvc1.1.6.L93.B0' } }, null)).toBeNull();
  });

  it('prefers ManagedMediaSource, falls back to MediaSource, and has none without either', () => {
    const managed = { isTypeSupported: () => true };
    const plain = { isTypeSupported: () => false };
    expect(browserTypeCheck({ ManagedMediaSource: managed, MediaSource: plain })!('x')).toBe(true);
    expect(browserTypeCheck({ MediaSource: plain })!('x')).toBe(false);
    expect(browserTypeCheck({})).toBeNull();
  });
});
