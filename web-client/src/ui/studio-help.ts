/** The ffmpeg line that publishes a file (looped) to the granted URL. */
export function ffmpegCommand(rtmpUrl: string): string {
  return `ffmpeg -re -stream_loop -1 -i input.mp4 -c:v libx264 -preset veryfast -tune zerolatency -g 60 -c:a aac -f flv "${rtmpUrl}"`;
}

/** What to tell the user about a refused request. */
export function explainStudioError(status: number, code: string, message: string): string {
  if (code === 'loopback-only') {
    return `${message} — on a deployment, paste a streamer or admin token above.`;
  }
  if (status === 401) return `${message || 'token refused'} — check the streamer/admin token.`;
  return message || code;
}

