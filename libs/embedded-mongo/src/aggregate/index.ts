export type { PipelineContext, PipelineResult } from './context';
export {
  applyPipelineUpdate,
  compileMatch,
  compileProjection,
  compileSort,
  runPipeline,
  SERVER_STAGES,
  splitLeadingStages,
  validatePipeline,
} from './pipeline';
export { evaluateExpression, isExpressionOperator, truthy } from './expressions';
