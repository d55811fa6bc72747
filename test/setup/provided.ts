// What the integration global setup hands to test files (serializable: tests run in other processes).
import type { KernelTlsEnv } from '../infra/tls.js';

export interface IntegrationInfra {
  kafka: {
    version: string;
    bootstrapServers: string;
    sslBootstrapServers: string;
    logFile: string;
  };
  tls: {
    caCertPem: string;
    clientCertPem: string;
    clientKeyPem: string;
    /** KAFKA_CA_CERT, KAFKA_CLIENT_CERT, KAFKA_CLIENT_KEY as a Clustera deployment sets them. */
    kernelEnv: KernelTlsEnv;
  };
  postgres: {
    url: string;
    port: number;
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    infra: IntegrationInfra | null;
    infraSkipReason: string;
  }
}
