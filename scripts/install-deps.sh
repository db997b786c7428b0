#!/usr/bin/env bash
# Installs everything roomrec needs to build, run and test on Debian 12 (as root).
# Skips apt entirely when every package is already present.
set -euo pipefail
packages=(
  # build
  build-essential cmake pkg-config janus janus-dev libglib2.0-dev libjansson-dev libssl-dev
  # S3 upload of recordings (storage/s3)
  libcurl4-openssl-dev
  # recorder: GStreamer composite → H.264/AAC fragmented MP4
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-tools
  # run: Janus itself, janus.js for the demo page
  libjs-janus-gateway libjs-webrtc-adapter python3 curl
  # test: cmocka, the aiortc WebRTC peer, network namespaces
  libcmocka-dev python3-aiortc python3-av python3-numpy iproute2 procps ffmpeg
  # test: /metrics is read with the Prometheus client's parser
  python3-prometheus-client
  # delivery and telemetry: the durable outbox, recording rows and telemetry in Postgres
  # (libpqxx over libpq); tests start their own throwaway cluster with the server's binaries
  postgresql libpq-dev libpqxx-dev
  # exports: the expiring-link HTTP endpoint (libmicrohttpd); test: an SMTP sink, and openssl
  # for its throwaway CA and certificates
  libmicrohttpd-dev python3-aiosmtpd openssl
  # test: a real S3 (single-node Ceph: mon, memstore OSD, radosgw) for upload tests
  ceph-mon ceph-osd radosgw ceph-common
  # test: the demo page in Debian's headless Chromium, driven by playwright-core (npm)
  chromium
  # the PDF session summary (analytics/pdf): cairo's PDF surface with DejaVu Sans; poppler-utils
  # (pdftotext, pdftoppm, pdfimages, pdffonts) checks the PDFs in the tests
  libcairo2-dev fonts-dejavu-core poppler-utils
  # test: libFuzzer targets over the pure parsers (fuzz/, scripts/fuzz.sh)
  clang-14 libfuzzer-14-dev
  # test: docker-compose.yml validates (no container engine needed); envsubst renders its jcfg
  docker-compose gettext-base
)
command -v npm > /dev/null || packages+=(nodejs npm)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# playwright-core only drives /usr/bin/chromium; it downloads no browser.
browser_tests=$(cd "$(dirname "$0")/../tests/browser" && pwd)
if [ ! -d "$browser_tests/node_modules/playwright-core" ]; then
  (cd "$browser_tests" && npm ci --no-audit --no-fund --loglevel=error)
fi
