# The roomrec image: Debian 12's Janus with the roomrec plugin, its recorder worker and the web
# pages, built from this repository. docker-compose.yml runs it beside Postgres 15 and an S3 store;
# deploy/README.md says how.
FROM debian:12 AS build
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      build-essential cmake pkg-config janus-dev libglib2.0-dev libjansson-dev libssl-dev libcurl4-openssl-dev \
      libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libpq-dev libpqxx-dev libmicrohttpd-dev libcairo2-dev \
      libcmocka-dev python3 \
    && rm -rf /var/lib/apt/lists/*
COPY . /src
RUN cmake -S /src -B /build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
    && cmake --build /build -j"$(nproc)" --target janus_roomrec roomrec-recorder \
    && cmake --install /build

FROM debian:12
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      janus libjs-janus-gateway libjs-webrtc-adapter ffmpeg curl gettext-base ca-certificates \
      gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly \
      gstreamer1.0-libav libpqxx-6.4 libmicrohttpd12 libcairo2 fonts-dejavu-core libcurl4 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/lib/x86_64-linux-gnu/janus/plugins/libjanus_roomrec.so /usr/lib/x86_64-linux-gnu/janus/plugins/
COPY --from=build /usr/libexec/roomrec /usr/libexec/roomrec
COPY scripts/make-janus-config.sh deploy/docker-entrypoint.sh /usr/lib/roomrec/
COPY scripts/stage-web.sh /usr/lib/roomrec/scripts/
COPY web /usr/lib/roomrec/web
RUN /usr/lib/roomrec/scripts/stage-web.sh /usr/share/roomrec/www && mkdir -p /var/lib/roomrec/recordings
EXPOSE 8088 7088 8000
ENTRYPOINT ["/usr/lib/roomrec/docker-entrypoint.sh"]
