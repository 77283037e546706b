# One image for every role: the role is the first argument (gateway, ingest, relay, interaction,
# standalone). Build: docker build -t livestream .
# The H5 pages (web-client): Vite wants Node.js 20.19 or newer.
FROM node:20-bookworm-slim AS web
WORKDIR /src/web-client
COPY web-client/package.json web-client/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web-client ./
RUN npm run build

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY media-core media-core
COPY service-common service-common
COPY ingest-service ingest-service
COPY relay-service relay-service
COPY interaction-service interaction-service
COPY web-client web-client
COPY --from=web /src/web-client/dist web-client/dist
COPY gateway gateway
COPY launcher launcher
# -Dweb.skip: the pages were built in the stage above
RUN mvn -B -q -DskipTests -Dweb.skip package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --no-create-home livestream
COPY --from=build /src/launcher/target/livestream.jar /opt/livestream/livestream.jar
USER 10001
# HTTP (playback, rooms, API, health, metrics), RTMP, Hazelcast
EXPOSE 8080 1935 5701
# Container-aware heap: a share of the pod's memory limit, not of the node's.
ENV JAVA_TOOL_OPTIONS="-XX:+UseContainerSupport -XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/opt/livestream/livestream.jar"]
CMD ["standalone"]
