/** HTTP trigger service (`gcsync serve`). */
export { createHttpApp, type HttpAppOptions } from './app';
export { listen, closeServer } from './server';
