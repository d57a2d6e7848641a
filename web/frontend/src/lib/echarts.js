// The parts of ECharts the UI uses (keeps the bundle smaller than the full build).
import * as echarts from 'echarts/core'
import { ScatterChart, LineChart } from 'echarts/charts'
import {
  GridComponent, TooltipComponent, BrushComponent, ToolboxComponent, GraphicComponent,
  LegendComponent, TitleComponent, DataZoomComponent
} from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([
  ScatterChart, LineChart, GridComponent, TooltipComponent, BrushComponent, ToolboxComponent,
  GraphicComponent, LegendComponent, TitleComponent, DataZoomComponent, CanvasRenderer
])

export { echarts }
