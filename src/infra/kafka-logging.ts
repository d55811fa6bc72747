import { kafkaMajor } from './kafka-version.js';

export interface LoggingConfig {
  fileName: string;
  content: string;
  jvmFlag: (path: string) => string;
}

// The broker logs to stdout, which the launcher sends to its log file together with any JVM crash output.
export function brokerLogging(version: string): LoggingConfig {
  if (kafkaMajor(version) >= 4) {
    return {
      fileName: 'log4j2.properties',
      content: [
        'status = warn',
        'appender.out.type = Console',
        'appender.out.name = out',
        'appender.out.layout.type = PatternLayout',
        'appender.out.layout.pattern = [%d] %p %m (%c)%n',
        'rootLogger.level = INFO',
        'rootLogger.appenderRef.out.ref = out',
        '',
      ].join('\n'),
      jvmFlag: (path) => `-Dlog4j2.configurationFile=${path}`,
    };
  }
  return {
    fileName: 'log4j.properties',
    content: [
      'log4j.rootLogger=INFO, out',
      'log4j.appender.out=org.apache.log4j.ConsoleAppender',
      'log4j.appender.out.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n',
      '',
    ].join('\n'),
    jvmFlag: (path) => `-Dlog4j.configuration=file:${path}`,
  };
}
