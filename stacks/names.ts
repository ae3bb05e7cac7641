/** Stack names more than one module needs (here, so that no two of them import each other for one). */
export const BACKBONE_STACK = 'backbone';
