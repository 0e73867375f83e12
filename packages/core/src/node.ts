/** The parts of core that read files (Node only); the main entry stays free of I/O for the browser. */
export * from './config/loader.js';
export * from './debian-package.js';
export * from './process-alive.js';
