export { keepEntityProperties } from './entitySerialization';
