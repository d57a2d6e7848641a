import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// `npm run dev` serves the UI on :5173 and forwards API/login calls to a running server
const backend = process.env.SIGHTLINE_URL || 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [vue()],
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          if (id.includes('node_modules/cytoscape')) return 'cytoscape'
        }
      }
    }
  },
  server: {
    proxy: {
      '/api': backend,
      '/login': { target: backend, bypass: (req) => (req.method === 'GET' ? req.url : undefined) },
      '/logout': backend,
      '/actuator': backend
    }
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.js']
  }
})
