import { describe, expect, it } from 'vitest';
import { choosePlayer, isHls, videoHls } from '../src/player/choice';

const mse = { isTypeSupported: () => true };
const NO_HLS = { plays: false, dates: false };
const SAFARI_HLS = { plays: true, dates: true };
const UNDATED_HLS = { plays: true, dates: false }; // newer desktop Chromium

describe('choosePlayer', () => {
  it('takes mpegts.js over WebSocket-FLV where MediaSource exists', () => {
    expect(choosePlayer({ MediaSource: mse }, '', NO_HLS)).toBe('flv');
    expect(choosePlayer({ MediaSource: mse, ManagedMediaSource: mse }, '', SAFARI_HLS)).toBe('flv');
  });

  it('takes mpegts.js with ManagedMediaSource where only that exists (iOS 17.1+)', () => {
    expect(choosePlayer({ ManagedMediaSource: mse }, '', SAFARI_HLS)).toBe('flv-managed');
  });

  it('plays LL-HLS in the video element where neither exists', () => {
    expect(choosePlayer({}, '', SAFARI_HLS)).toBe('hls-native');
    expect(choosePlayer({}, '', UNDATED_HLS)).toBe('hls-native');
    expect(choosePlayer({ MediaSource: {} }, '', SAFARI_HLS)).toBe('hls-native'); // no isTypeSupported: not MSE
  });

  it('says none where nothing can play', () => {
    expect(choosePlayer({}, '', NO_HLS)).toBe('none');
  });

  it('forces HLS with ?player=hls: natively where the element plays it with dates, else hls.js over MSE', () => {
    expect(choosePlayer({ MediaSource: mse }, '?player=hls', SAFARI_HLS)).toBe('hls-native');
    expect(choosePlayer({ MediaSource: mse }, '?player=hls', NO_HLS)).toBe('hls-js');
    expect(choosePlayer({ MediaSource: mse }, '?player=hls', UNDATED_HLS)).toBe('hls-js');
    expect(choosePlayer({ ManagedMediaSource: mse }, '?stream=x&player=hls', NO_HLS)).toBe('hls-js');
    expect(choosePlayer({}, '?player=hls', UNDATED_HLS)).toBe('hls-native');
    expect(choosePlayer({}, '?player=hls', NO_HLS)).toBe('none');
    expect(choosePlayer({ MediaSource: mse }, '?player=flv', SAFARI_HLS)).toBe('flv');
  });

  it('tells the HLS players apart', () => {
    expect(['flv', 'flv-managed', 'hls-native', 'hls-js', 'none'].map((k) => isHls(k as never))).toEqual([false, false, true, true, false]);
  });

  it('asks the element whether it plays HLS and tells its date-time', () => {
    expect(videoHls({ canPlayType: () => '' })).toEqual(NO_HLS);
    const safari = { canPlayType: (type: string) => (type === 'application/vnd.apple.mpegurl' ? 'maybe' : ''), getStartDate: () => new Date() };
    expect(videoHls(safari as never)).toEqual(SAFARI_HLS);
  });
});
