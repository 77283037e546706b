import { describe, expect, it } from 'vitest';
import en from '../src/i18n/en';
import { healthState, keyframeWarnings, latest, mediaSummary, type StreamHealth, toSeries } from '../src/ui/health-model';

const base: StreamHealth = {
  stream: 's', live: true, stopped: false, lastMediaAt: 5000, keyframeInterval: 2,
  keyframeIntervalHigh: false, keyframeIntervalIrregular: false,
  samples: [
    { t: 1000, kbps: 800, fps: 25, keyframeInterval: null, viewers: null, messagesPerSecond: null },
    { t: 2000, kbps: 900, fps: 24.5, keyframeInterval: 2, viewers: 3, messagesPerSecond: 0.5 },
  ],
};

describe('health model', () => {
  it('puts the samples on a time axis in seconds, unknown figures as gaps', () => {
    const series = toSeries(base.samples);
    expect(series.x).toEqual([1, 2]);
    expect(series.y.bitrate).toEqual([800, 900]);
    expect(series.y.fps).toEqual([25, 24.5]);
    expect(series.y.viewers).toEqual([null, 3]);
    expect(series.y.messages).toEqual([null, 0.5]);
  });

  it('is waiting without an answer, stopped when the encoder is, else receiving', () => {
    expect(healthState(null)).toBe('waiting');
    expect(healthState(base)).toBe('receiving');
    expect(healthState({ ...base, stopped: true })).toBe('stopped');
    expect(healthState({ ...base, live: false, stopped: true, stoppedAt: 9000 })).toBe('stopped');
  });

  it('warns of a high or irregular keyframe interval, with catalog texts', () => {
    expect(keyframeWarnings(base)).toEqual([]);
    const both = keyframeWarnings({ ...base, keyframeIntervalHigh: true, keyframeIntervalIrregular: true });
    expect(both).toEqual(['health.keyframeHigh', 'health.keyframeIrregular']);
    both.forEach((key) => expect(key in en).toBe(true));
  });

  it('reads the latest known figure', () => {
    expect(latest([1, 2, null])).toBe(2);
    expect(latest([null, null])).toBeNull();
  });

  it('has a catalog entry for every state and chart', () => {
    for (const key of ['waiting', 'receiving', 'stopped']) expect(`health.state.${key}` in en).toBe(true);
    for (const key of ['bitrate', 'fps', 'viewers', 'messages']) expect(`health.chart.${key}` in en).toBe(true);
  });
});

describe('mediaSummary', () => {
  it('names the codecs as people know them, with the profile and picture size', () => {
    expect(mediaSummary({ video: { codec: 'hevc', profile: 'Main', width: 1920, height: 1080 }, audio: { codec: 'aac' } }))
      .toEqual({ video: 'HEVC (H.265) Main', size: { width: 1920, height: 1080 }, audio: 'AAC' });
    expect(mediaSummary({ video: { codec: 'av1', profile: '', width: 0, height: 0 }, audio: null }))
      .toEqual({ video: 'AV1', size: null, audio: null });
  });

  it('knows nothing of a stream that is not listed', () => {
    expect(mediaSummary(undefined)).toEqual({ video: null, size: null, audio: null });
  });
});
