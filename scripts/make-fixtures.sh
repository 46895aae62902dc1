#!/usr/bin/env bash
# Regenerates tests/fixtures/audio/* and tests/fixtures/refs.json with Debian's encoders (sox, lame, flac,
# vorbis-tools, opus-tools) and ffmpeg. The outputs are committed, so tests never need these tools; rerun this only
# to change the fixtures. Signals are chirps plus noise so lossy codecs have real work to do and seeks land on sound.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=tests/fixtures/audio
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
rm -rf "$OUT" tests/fixtures/ref && mkdir -p "$OUT/art" tests/fixtures/ref

# src NAME RATE CHANNELS SECONDS: a test signal as 24-bit WAV in $TMP
src() {
  sox -n -r "$2" -c "$3" -b 24 "$TMP/$1.wav" synth "$4" sine 110-3300 sine 440-660 pinknoise gain -n -3
}

# WAV in every integer width, float, mono to 8 channels, 8 kHz to 192 kHz
src w8 8000 1 1.0;        sox "$TMP/w8.wav" -b 8 -e unsigned-integer "$OUT/pcm8-mono-8k.wav"
src w16 44100 2 1.0;      sox "$TMP/w16.wav" -b 16 "$OUT/pcm16-stereo-44k.wav"
src w24 96000 2 0.4;      sox "$TMP/w24.wav" -b 24 "$OUT/pcm24-stereo-96k.wav"
src w32 48000 2 0.4;      sox "$TMP/w32.wav" -b 32 -e signed-integer "$OUT/pcm32-stereo-48k.wav"
src wf 48000 6 0.3;       sox "$TMP/wf.wav" -b 32 -e floating-point "$OUT/float32-6ch-48k.wav"
src w192 192000 2 0.2;    sox "$TMP/w192.wav" -b 24 "$OUT/pcm24-stereo-192k.wav"
src w8ch 44100 8 0.3;     sox "$TMP/w8ch.wav" -b 16 "$OUT/pcm16-8ch-44k.wav"

# FLAC: 16 and 24 bit, several rates and channel counts, tags and an embedded picture
convert_png() { ffmpeg -loglevel error -f lavfi -i "color=c=$1:s=32x32" -frames:v 1 -y "$2"; }
convert_png red "$TMP/cover.png"
convert_png blue "$OUT/art/cover.jpg"
src f16 44100 2 2.0;   sox "$TMP/f16.wav" -b 16 "$TMP/f16s.wav"
flac -s -f --best -T TITLE="Flac Sixteen" -T ARTIST="Ärtist Ünïcode" -T ALBUM="Fixtures" -T ALBUMARTIST="Various" \
  -T TRACKNUMBER=3 -T DISCNUMBER=1 -T DATE=2021 -T GENRE=Test --picture="$TMP/cover.png" \
  "$TMP/f16s.wav" -o "$OUT/flac16-stereo-44k.flac"
src f24 96000 2 0.5;   flac -s -f "$TMP/f24.wav" -o "$OUT/flac24-stereo-96k.flac"
src f8 22050 1 1.0;    sox "$TMP/f8.wav" -b 16 "$TMP/f8s.wav"; flac -s -f -b 1152 "$TMP/f8s.wav" -o "$OUT/flac16-mono-22k.flac"
src f6 48000 6 0.3;    sox "$TMP/f6.wav" -b 16 "$TMP/f6s.wav"; flac -s -f "$TMP/f6s.wav" -o "$OUT/flac16-6ch-48k.flac"

# MP3: CBR and VBR with the LAME gapless header, one without it, MPEG-2 at 22.05 kHz, an embedded cover
src m1 44100 2 2.0;    sox "$TMP/m1.wav" -b 16 "$TMP/m1s.wav"
lame --quiet -b 128 --tt "Mp3 Cbr" --ta "Artist Mp3" --tl "Fixtures" --tn 1/9 --ty 2019 --tg Rock --ti "$TMP/cover.png" \
  "$TMP/m1s.wav" "$OUT/mp3-cbr128-stereo-44k.mp3"
lame --quiet -V 4 "$TMP/m1s.wav" "$OUT/mp3-vbr-stereo-44k.mp3"
lame --quiet -t -b 128 --resample 44.1 "$TMP/m1s.wav" "$OUT/mp3-noxing-stereo-44k.mp3"
src m2 22050 1 2.0;    sox "$TMP/m2.wav" -b 16 "$TMP/m2s.wav"; lame --quiet -V 5 "$TMP/m2s.wav" "$OUT/mp3-mono-22k.mp3"

# Ogg Vorbis and Opus; small pages (opusenc --max-delay) so that granule bisection has pages to bisect
src v1 44100 2 3.0;    sox "$TMP/v1.wav" -b 16 "$TMP/v1s.wav"
oggenc -Q -q 2 -t "Vorbis Title" -a "Vorbis Artist" -l "Fixtures" "$TMP/v1s.wav" -o "$OUT/vorbis-stereo-44k.ogg"
src v2 22050 1 2.0;    sox "$TMP/v2.wav" -b 16 "$TMP/v2s.wav"; oggenc -Q -q 0 "$TMP/v2s.wav" -o "$OUT/vorbis-mono-22k.ogg"
src o1 48000 2 3.0;    sox "$TMP/o1.wav" -b 16 "$TMP/o1s.wav"
opusenc --quiet --bitrate 64 --max-delay 100 --title "Opus Title" --artist "Opus Artist" "$TMP/o1s.wav" "$OUT/opus-stereo-48k.opus"
src o2 44100 1 2.0;    sox "$TMP/o2.wav" -b 16 "$TMP/o2s.wav"; opusenc --quiet --bitrate 24 --max-delay 200 "$TMP/o2s.wav" "$OUT/opus-mono-44k.opus"

# Chained Ogg (links one after another, as `cat` makes them): two Vorbis links of different quality, two Opus links
src c1 22050 2 0.6;    sox "$TMP/c1.wav" -b 16 "$TMP/c1s.wav"; oggenc -Q -q 2 -t "Chain One" -a "Chain Artist" "$TMP/c1s.wav" -o "$TMP/c1.ogg"
sox -n -r 22050 -c 2 -b 16 "$TMP/c2s.wav" synth 0.4 sine 3000-200 pinknoise gain -n -6
oggenc -Q -q 0 -t "Chain Two" -a "Other Artist" "$TMP/c2s.wav" -o "$TMP/c2.ogg"
cat "$TMP/c1.ogg" "$TMP/c2.ogg" > "$OUT/vorbis-chained-22k.ogg"
src c3 48000 1 0.6;    sox "$TMP/c3.wav" -b 16 "$TMP/c3s.wav"; opusenc --quiet --bitrate 32 --max-delay 100 --title "Opus Chain One" "$TMP/c3s.wav" "$TMP/c3.opus"
sox -n -r 48000 -c 1 -b 16 "$TMP/c4s.wav" synth 0.4 sine 3000-200 pinknoise gain -n -6
opusenc --quiet --bitrate 24 --max-delay 100 --title "Opus Chain Two" "$TMP/c4s.wav" "$TMP/c4.opus"
cat "$TMP/c3.opus" "$TMP/c4.opus" > "$OUT/opus-chained-48k.opus"

# AAC in MP4: played through ffmpeg when installed
ffmpeg -loglevel error -i "$TMP/m1s.wav" -t 1.5 -c:a aac -b:a 96k -metadata title="Aac Title" -y "$OUT/aac-stereo-44k.m4a"

# Reference decodes by ffmpeg: frame counts and sha256 of the s16le stream for all; lossy refs as gzip'd PCM
node --import tsx scripts/make-fixtures.refs.ts "$OUT" "$TMP"
du -sh tests/fixtures
