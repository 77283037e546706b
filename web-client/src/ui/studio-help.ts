import { t } from '../i18n';

/** The ffmpeg line that publishes a file (looped) to the granted URL. */
export function ffmpegCommand(rtmpUrl: string): string {
  return `ffmpeg -re -stream_loop -1 -i input.mp4 -c:v libx264 -preset veryfast -tune zerolatency -g 60 -c:a aac -f flv "${rtmpUrl}"`;
}

/** The ffmpeg line that publishes a file once, on two lines (the directory's example). */
export function ffmpegExample(rtmpUrl: string): string {
  return `ffmpeg -re -i input.mp4 -c:v libx264 -preset veryfast -tune zerolatency -g 60 -c:a aac \\\n  -f flv "${rtmpUrl}"`;
}

/** What to tell the user about a refused request. */
export function explainStudioError(status: number, code: string, message: string): string {
  if (code === 'loopback-only') {
    return t('studio.loopbackOnly', { message });
  }
  if (status === 401) return t('studio.tokenRefused', { message: message || t('studio.tokenRefusedDefault') });
  return message || code;
}

