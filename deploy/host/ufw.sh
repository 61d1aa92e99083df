#!/bin/sh
# Firewall for a Spanglish host: only SSH, HTTP and HTTPS reach it. PostgreSQL and
# Redis listen on localhost only (postgresql.conf, redis.conf here), and the firewall
# refuses their ports from outside as well. Run as root: sh deploy/host/ufw.sh
# Idempotent: running it again leaves the same rules.
set -eu

ufw --force reset
ufw default deny incoming
ufw default allow outgoing
# SSH: rate-limited (ufw's `limit`: 6 connections in 30 s per address).
ufw limit 22/tcp comment 'SSH'
ufw allow 80/tcp comment 'HTTP (redirects to HTTPS; ACME challenges)'
ufw allow 443/tcp comment 'HTTPS'
# Belt and braces: even if a config change made them listen publicly.
ufw deny 5432/tcp comment 'PostgreSQL: localhost only'
ufw deny 6379/tcp comment 'Redis: localhost only'
ufw deny 8000/tcp comment 'gunicorn: nginx talks to it on localhost'
ufw --force enable
ufw status verbose
