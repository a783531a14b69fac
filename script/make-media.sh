#!/usr/bin/env bash
# make-media.sh: makes the lab page's real media with Debian's ffmpeg, into DIR (default media/, git-ignored):
#   image.jpg  1280x720 JPEG of ffmpeg's test pattern            (~56 KB)
#   audio.mp3  8 s of a 440 Hz tone, MP3 96 kbit/s                 (~97 KB)
#   video.mp4  8 s 480x270 H.264 baseline + AAC, 200 kbit/s, moov first (faststart) so a browser plays
#              it while it downloads and seeks with Range requests (~276 KB)
# -bitexact and one encoder thread make the bytes the same on every run of the same ffmpeg.
# Sizes stay above the 48/96/192 KiB the scenarios' segment counts were made for.
set -euo pipefail
dir="${1:-$(dirname "$0")/../media}"
mkdir -p "$dir"
if [ -s "$dir/image.jpg" ] && [ -s "$dir/audio.mp3" ] && [ -s "$dir/video.mp4" ]; then exit 0; fi
if ! command -v ffmpeg >/dev/null; then
  echo "error [ERR_ENVIRONMENT]: ffmpeg is needed to make the lab media: apt-get install ffmpeg" >&2
  exit 2
fi
ff() { ffmpeg -hide_banner -loglevel error -nostdin -y "$@"; }
tmp="$dir/.tmp.$$"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
ff -f lavfi -i "testsrc2=size=1280x720:rate=1" -frames:v 1 -q:v 3 -bitexact "$tmp/image.jpg"
ff -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=8" -c:a libmp3lame -b:a 96k -bitexact "$tmp/audio.mp3"
ff -f lavfi -i "testsrc2=size=480x270:rate=25:duration=8" -f lavfi -i "sine=frequency=660:sample_rate=44100:duration=8" \
  -c:v libx264 -preset veryfast -profile:v baseline -pix_fmt yuv420p -b:v 200k -maxrate 200k -bufsize 400k -threads 1 \
  -c:a aac -b:a 48k -movflags +faststart -bitexact -shortest "$tmp/video.mp4"
mv "$tmp/image.jpg" "$tmp/audio.mp3" "$tmp/video.mp4" "$dir/"
echo "setup: lab media made in $dir"
