/** 3725 → "1:02:05", 65 → "1:05" */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const secs = s % 60;
  const mm = hours > 0 ? String(minutes).padStart(2, '0') : String(minutes);
  return `${hours > 0 ? `${hours}:` : ''}${mm}:${String(secs).padStart(2, '0')}`;
}

/** 1280×720 → "720p", 1920×1080@60 → "1080p60"; "" when unknown. */
export function formatResolution(video: { width?: number; height?: number; fps?: number } | null | undefined): string {
  if (!video || !video.width || !video.height) return '';
  const fps = video.fps && Math.round(video.fps) > 30 ? String(Math.round(video.fps)) : '';
  return `${video.height}p${fps}`;
}
