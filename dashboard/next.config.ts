import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // grpc-js loads native-free but dynamic code: keep it out of the bundle, required at run time.
  serverExternalPackages: ['@grpc/grpc-js'],
  poweredByHeader: false,
  // Headers for what the proxy does not see (static assets); pages get theirs from src/proxy.ts.
  headers() {
    return Promise.resolve([
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'no-referrer' },
        ],
      },
    ]);
  },
};

export default nextConfig;
